"""Lahir pipeline: intake, workers, persistence and operations of the birth-registration flow."""
