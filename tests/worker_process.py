"""``lapor push worker`` as its own process, with the tests' local push service let in (no setting
can do that, see push/endpoints.py): the worker tests start it and kill it."""

from lapor_bencana import cli
from lapor_bencana.push import worker
from tests.push_helpers import local_push


class LocalPushWorker(worker.Worker):
    def __init__(self, settings, *args, **kwargs) -> None:
        super().__init__(settings, *args, policy=local_push(settings), **kwargs)


if __name__ == "__main__":
    worker.Worker = LocalPushWorker
    cli.main(["push", "worker"])
