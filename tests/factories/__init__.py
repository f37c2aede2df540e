"""factory-boy factories, one module per area; import them all from ``tests.factories``."""

from tests.factories.analysis import *  # noqa: F403
from tests.factories.content import *  # noqa: F403
from tests.factories.marking import *  # noqa: F403
from tests.factories.people import *  # noqa: F403
from tests.factories.submissions import *  # noqa: F403
from tests.factories.teaching import *  # noqa: F403
