"""Configuration: settings from the environment (:mod:`.settings`), the one YAML reader
(:mod:`.yamlsource`) and the one ``file:line: path: message`` collector (:mod:`.problems`)."""

from dataops.config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
