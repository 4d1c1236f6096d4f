"""twcasual's version: in the build signature, the card, the manifest and the cache keys."""

__version__ = "0.1.0"
