#!/usr/bin/env python3
"""Rebuilds a PyTorch module from a pcn4j graph model (conv or dense) and evaluates it.

pcn4j's model files keep PyTorch's layouts: edges.{from}->{to}.weight is [out, in, kh, kw] for
conv2d (nn.Conv2d), [in, out/groups, kh, kw] for conv_transpose2d (nn.ConvTranspose2d) and
[out, in] for dense edges (nn.Linear over the channel-major flatten), bias [out]. The metadata
holds the graph spec (nodes with shapes, edges with op, kernel, stride, padding, groups, pool,
pool_size, activation, convention) and the input affine. This script builds the feedforward pass
of that graph (each node = the sum of its incoming edges' contributions, in topological order;
what `pcn4j eval` answers with its default --inference-steps 0) and prints the test accuracy,
to compare with `./pcn4j eval --model FILE`.

    /usr/bin/python3 pcn4j-bench/conv_torch_eval.py MODEL.safetensors --data-dir /work/shared/data/fashion-mnist

Needs PyTorch (Debian's python3-torch; 1.13 here) and nothing else: the safetensors file is read
by the small reader below (8-byte header length, JSON header, little-endian float32 data), and
the data set from its IDX files (gzipped or not; t10k-* is the test split).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    tensors = {}
    for name, t in header.items():
        if t["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {t['dtype']}, expected F32")
        a, b = t["data_offsets"]
        flat = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32)
        tensors[name] = flat.reshape(t["shape"])
    return meta, tensors


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(raw[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def find(data_dir, stem):
    for name in (stem, stem + ".gz"):
        p = os.path.join(data_dir, name)
        if os.path.exists(p):
            return p
    raise SystemExit(f"{data_dir}: no {stem}[.gz]")


LEAKY_SLOPE = 0.01


def act(name):
    return {
        "identity": lambda x: x,
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, LEAKY_SLOPE),
        "gelu": F.gelu,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    }[name]


def pair(v, default):
    if v is None:
        v = default
    if isinstance(v, list):
        return tuple(int(a) for a in v)
    return (int(v), int(v))


class GraphModule(torch.nn.Module):
    """The feedforward pass of a pcn4j graph spec with the file's tensors."""

    def __init__(self, spec, tensors):
        super().__init__()
        self.nodes = {n["name"]: n for n in spec["nodes"]}
        self.edges = spec["edges"]
        self.input = next(n["name"] for n in spec["nodes"] if n["role"] == "input")
        self.target = next(n["name"] for n in spec["nodes"] if n["role"] == "target")
        self.w = {}
        for e in self.edges:
            name = f"edges.{e['from']}->{e['to']}"
            self.w[name] = (tensors[name + ".weight"], tensors.get(name + ".bias"))
        if spec.get("fully_connected"):
            raise SystemExit("fully connected blocks are not supported by this script")
        order, done = [], {self.input}
        while len(order) < len(self.nodes) - 1:
            ready = [n for n in self.nodes if n not in done
                     and all(e["from"] in done for e in self.edges if e["to"] == n)]
            if not ready:
                raise SystemExit("the graph has a cycle: no feedforward pass")
            order += ready
            done.update(ready)
        self.order = order

    def edge(self, e, x):
        w, b = self.w[f"edges.{e['from']}->{e['to']}"]
        f = act(e["activation"])
        post = e["convention"] == "post"
        op = e.get("op", "dense")
        if op == "dense":
            x = x.flatten(1)
            return f(F.linear(x, w, b)) if post else F.linear(f(x), w, b)
        stride, pad = pair(e.get("stride"), 1), pair(e.get("padding"), 0)
        groups = int(e.get("groups", 1))
        if op == "conv2d":
            y = F.conv2d(x if post else f(x), w, b, stride, pad, 1, groups)
            y = f(y) if post else y
            pool = e.get("pool", "none")
            if pool != "none":
                k = pair(e.get("pool_size"), 2)
                y = F.max_pool2d(y, k, k) if pool == "max" else F.avg_pool2d(y, k, k)
            return y
        if op == "conv_transpose2d":
            out_pad = pair(e.get("output_padding"), 0)
            y = F.conv_transpose2d(x if post else f(x), w, b, stride, pad, out_pad, groups)
            return f(y) if post else y
        raise SystemExit(f"unknown op {op}")

    def forward(self, x):
        shape = self.nodes[self.input].get("shape")
        states = {self.input: x.reshape([x.shape[0]] + shape) if shape else x.flatten(1)}
        for n in self.order:
            mu = sum(self.edge(e, states[e["from"]]) for e in self.edges if e["to"] == n)
            shape = self.nodes[n].get("shape")
            states[n] = mu.reshape([x.shape[0]] + shape) if shape else mu.flatten(1)
        return states[self.target]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model")
    ap.add_argument("--data-dir", required=True, help="folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]")
    ap.add_argument("--batch", type=int, default=1000)
    a = ap.parse_args()
    meta, tensors = read_safetensors(a.model)
    if meta.get("model_type") != "graph":
        raise SystemExit(f"{a.model}: model_type {meta.get('model_type')!r}, expected graph")
    spec = json.loads(meta["graph"])
    module = GraphModule(spec, tensors).eval()
    images = read_idx(find(a.data_dir, "t10k-images-idx3-ubyte")).float().flatten(1)
    labels = read_idx(find(a.data_dir, "t10k-labels-idx1-ubyte")).long()
    scale, offset = json.loads(meta["input_affine"])
    scale, offset = torch.tensor(scale, dtype=torch.float32), torch.tensor(offset, dtype=torch.float32)
    # pcn4j computes raw * scale + offset in float32, one feature at a time: the same here.
    x_all = images * scale + offset
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), a.batch):
            out = module(x_all[i:i + a.batch])
            correct += int((out.argmax(1) == labels[i:i + a.batch]).sum())
    print(json.dumps({"model": a.model, "samples": len(labels), "test_accuracy": correct / len(labels),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    sys.exit(main())
