"""pandera dtype names -> polars dtypes, without importing pandera (it drags pandas in).

pandera's polars IO writes a dtype as the polars repr (``Int64``, ``String``,
``Datetime(time_unit='us', time_zone=None)``) and reads it back through its engine, which also
accepts lower-case aliases (``int64``, ``string``, ``bool``) and Python types (``int``, ``str``).
pandas-API schemas use numpy/pandas names (``int64``, ``object``, ``datetime64[ns]``,
``category``); those map to the polars dtype the same data gets when read by polars.
"""

from __future__ import annotations

import ast
from typing import Any

import polars as pl

# Lower-case alias -> polars dtype. Mirrors pandera.engines.polars_engine's registered
# equivalents, plus the pandas-API names (int/str/float/bool Python types, numpy names).
_ALIASES: dict[str, Any] = {
    "int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64, "int": pl.Int64,
    "uint8": pl.UInt8, "uint16": pl.UInt16, "uint32": pl.UInt32, "uint64": pl.UInt64,
    "float32": pl.Float32, "float64": pl.Float64, "float": pl.Float64,
    "bool": pl.Boolean, "boolean": pl.Boolean,
    "str": pl.String, "string": pl.String, "utf8": pl.String, "object": pl.String,
    "binary": pl.Binary, "bytes": pl.Binary,
    "date": pl.Date, "time": pl.Time,
    "datetime": pl.Datetime("us"), "datetime64[ns]": pl.Datetime("ns"),
    "datetime64[us]": pl.Datetime("us"), "datetime64[ms]": pl.Datetime("ms"),
    "timedelta": pl.Duration("us"), "timedelta64[ns]": pl.Duration("ns"), "duration": pl.Duration("us"),
    "decimal": pl.Decimal, "null": pl.Null,
    # pandera's "category" on polars is a String column restricted to categories
    "category": pl.String, "categorical": pl.Categorical,
    # pandas nullable extension types
    "int64[pyarrow]": pl.Int64, "string[python]": pl.String, "string[pyarrow]": pl.String,
}


def parse_dtype(text: Any) -> pl.DataType:
    """Resolve a pandera dtype (a string from YAML, or a polars/pandera/Python type) to polars.

    Parameters
    ----------
    text:
        ``"Int64"``, ``"int64"``, ``"Datetime(time_unit='us', time_zone=None)"``, ``pl.Int64``,
        a pandera engine dtype (anything with a polars ``.type``), or ``int``/``str``/``float``.

    Returns
    -------
    polars.DataType
        An instantiated polars dtype.

    Raises
    ------
    ValueError
        The name is not a dtype pandera's polars engine would accept.

    Examples
    --------
    >>> parse_dtype("Int64")
    Int64
    >>> parse_dtype("Datetime(time_unit='ns', time_zone=None)")
    Datetime(time_unit='ns', time_zone=None)
    """
    if isinstance(text, pl.DataType) or (isinstance(text, type) and issubclass(text, pl.DataType)):
        return _instantiate(text)
    if isinstance(text, type):  # Python types: int, str, float, bool
        return parse_dtype(text.__name__)
    if not isinstance(text, str):
        native = getattr(text, "type", None)  # a pandera DataType wraps the polars/numpy dtype
        if native is not None and native is not text:
            return parse_dtype(native)
        return parse_dtype(str(text))
    key = text.strip()
    if key.lower() in _ALIASES:
        return _instantiate(_ALIASES[key.lower()])
    try:
        return _instantiate(_from_repr(key))
    except (SyntaxError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown dtype '{text}'") from exc


def _instantiate(dtype: Any) -> pl.DataType:
    out: pl.DataType = dtype() if isinstance(dtype, type) else dtype
    return out


def _from_repr(text: str) -> Any:
    """Rebuild a polars dtype from its repr without evaluating code (like pandera's IO)."""

    def build(node: ast.AST) -> Any:
        if isinstance(node, ast.Name):
            dtype = getattr(pl.datatypes, node.id, None)
            if not (isinstance(dtype, type) and issubclass(dtype, pl.DataType)):
                raise ValueError(f"unknown polars dtype {node.id!r}")
            return dtype
        if isinstance(node, ast.Call):
            return build(node.func)(*[build(a) for a in node.args],
                                    **{k.arg: build(k.value) for k in node.keywords if k.arg})
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            return [build(e) for e in node.elts]
        if isinstance(node, ast.Dict):
            return {build(k): build(v) for k, v in zip(node.keys, node.values) if k is not None}
        raise ValueError(f"unsupported dtype syntax {text!r}")

    return build(ast.parse(text, mode="eval").body)


def dtype_matches(expected: pl.DataType, actual: pl.DataType) -> bool:
    """pandera's polars dtype check: equality, where an unparametrised ``Datetime``/``List``/
    ``Decimal`` matches any parametrisation (polars' own ``==`` semantics)."""
    return bool(actual == expected)
