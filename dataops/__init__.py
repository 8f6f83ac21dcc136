"""dataops: the data side of deploying an application the twelve-factor way."""

__version__ = "0.1.0"
