"""Running the service: settings, bearer-token auth, Prometheus metrics and policy-behaviour telemetry."""
