"""Seeing it all: the coordinators' map and dashboard, and the public incidents API."""
