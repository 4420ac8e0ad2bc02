"""``python -m toolkit.notebooks run|store|check``."""

import sys

from .execute import main

sys.exit(main())
