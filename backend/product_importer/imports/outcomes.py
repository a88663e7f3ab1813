"""How a run of an import can end other than by applying: the exceptions that unwind
it, and the timing of giving way to an earlier import."""

# An import that gave way is sent to the queue again after this.
GIVE_WAY_SECONDS = 5.0
# How long an earlier import owed its turn (lost with its worker, or queued again after
# giving way) is waited for before giving way to it: a lost one's redelivered task
# starts at once where a worker slot is free (Celery saw a killed worker's loss ~4 s
# late), the workers' sweep sends it again within `IMPORT_SWEEP_SECONDS` (5 s by
# default); one that gave way runs again after `GIVE_WAY_SECONDS`.
OWED_GRACE_SECONDS = 10.0


class ImportCancelled(Exception):
    pass


class GivesWay(Exception):
    """An import uploaded before this one waits for a worker slot (it lost its worker,
    or gave way itself): this one goes back to the queue (applying nothing), so that one
    applies first."""
