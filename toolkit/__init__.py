"""toolkit: reads Vietnamese Party-building reports and tells what is in them.

Importing it does nothing but define the version: models load lazily, once.
"""

__version__ = "0.1.0"
