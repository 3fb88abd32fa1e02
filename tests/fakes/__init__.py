"""Local fakes of external services, speaking their real wire protocols (never the internet)."""
