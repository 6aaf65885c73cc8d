"""Reads a safetensors file with plain code (Debian's torch 1.13 has no safetensors package): an 8-byte
little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
then the raw little-endian tensor bytes. Only F32, which is all `ptx export` writes.
"""
import json
import struct

import numpy as np
import torch


def read_safetensors(path):
    """Returns ({name: float32 tensor}, {metadata key: string})."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n :]
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}, only F32 is read here")
        begin, end = entry["data_offsets"]
        values = np.frombuffer(data[begin:end], dtype="<f4").astype(np.float32)
        tensors[name] = torch.from_numpy(values.copy()).view(*entry["shape"])
    return tensors, metadata
