"""Infrastructure as code and build tooling (not part of the Lambda package)."""
