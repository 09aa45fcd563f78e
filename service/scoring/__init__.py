"""Between every front end and the pool: the wire contract, admission, and a request's scoring
(reference check, tasks, response). Transport-free; the client imports :mod:`.contract` alone."""
