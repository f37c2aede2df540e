"""factory-boy factories, one module per area; import them all from ``tests.factories``."""

from tests.factories.people import *  # noqa: F403
