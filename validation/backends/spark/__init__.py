"""The Spark backend: session, reader, check evaluation and profile on pyspark 4.x (``pip install 'dataqa[spark]'``)."""

import warnings

# pyspark warns on import that pandas 3 is not fully supported; dataqa never converts Spark
# data to pandas, and the warning would reach the user's terminal.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                        category=FutureWarning)
