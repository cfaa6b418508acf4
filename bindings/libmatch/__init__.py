"""libmatch: geospatial matching of entrepreneurs' requests to advisors.

The compiled core lives in :mod:`libmatch._core`; this package adds the pandas /
GeoPandas adapters, the command line and plotting helpers.
"""

import os as _os

# A portable wheel carries PROJ's and GDAL's data files: point the bundled libraries at them
# (only when the user has not chosen others).
_here = _os.path.dirname(_os.path.abspath(__file__))
for _var, _sub in (("PROJ_DATA", "proj"), ("GDAL_DATA", "gdal")):
    if _os.path.isdir(_os.path.join(_here, _sub)) and not _os.environ.get(_var):
        _os.environ[_var] = _os.path.join(_here, _sub)

from . import datasets  # noqa: F401  (libmatch.datasets.path(...))
from ._core import __version__
from .areas import *  # noqa: F403
from .areas import __all__ as _areas_all
from .design import *  # noqa: F403
from .design import __all__ as _design_all
from .errors import *  # noqa: F403
from .errors import __all__ as _errors_all
from .flow import *  # noqa: F403
from .flow import __all__ as _flow_all
from .layers import *  # noqa: F403
from .layers import __all__ as _layers_all
from .matching import *  # noqa: F403
from .matching import __all__ as _matching_all
from .simulation import *  # noqa: F403
from .simulation import __all__ as _simulation_all
from .study import *  # noqa: F403
from .study import __all__ as _study_all
from .travel import *  # noqa: F403
from .travel import __all__ as _travel_all

__all__ = [
    "__version__",
    *_errors_all,
    *_areas_all,
    *_layers_all,
    *_travel_all,
    *_study_all,
    *_flow_all,
    *_matching_all,
    *_simulation_all,
    *_design_all,
]
