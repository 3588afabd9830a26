"""`python -m gongkai.synthetic`: the generator's command line."""

import sys

from gongkai.synthetic import main

sys.exit(main())
