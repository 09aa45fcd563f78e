"""The HTTP front end (FastAPI on uvicorn): connection limits, reading and validating a body, routes, errors."""
