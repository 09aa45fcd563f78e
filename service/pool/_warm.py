"""Imported by the forkserver so that every worker forks from a process with warm caches."""

from .worker import warm_up

warm_up()
