"""Web Push delivery: subscriptions, the VAPID identity, a durable outbox and the worker that sends it."""
