"""Configuration: settings from the environment, YAML loaders and their schemas."""

from dataops.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
