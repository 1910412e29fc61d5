"""The shipped default models (classifier/, ranker/), installed as ``toolkit.models``."""
