"""Make imgly's ISNet graphs resolution-independent (needs the ``onnx`` package, imported here only).

The exported graphs take a fixed ``[1, 3, 1024, 1024]`` input and each of their 39 Resize nodes
carries a constant output *size*: an initializer ``[1, C, H, W]`` in the uint8 model, and
``Concat(Slice(Shape(x), 0:2), Constant[H, W])`` in the fp16 export. ``rewrite`` (docs/models.md,
"The rewrite: sizes to scales"):

1. sorts the nodes topologically (the fp16 export lists 79 nodes before their producers:
   onnxruntime runs it, ``onnx.checker`` rejects it);
2. reads the spatial shape each Resize sees at 1024² (onnx shape inference);
3. replaces ``sizes`` by ``scales = [1, 1, H/h, W/w]`` (exact powers of two, 2 to 32): the same
   half-pixel linear kernel at the same scale, so at 1024² the uint8 model's output is bit-identical;
4. prunes the graph to the one output ``output`` (the 11 side outputs were all fetched by imgly);
5. makes the input's and output's H and W symbolic and drops the stale ``value_info``.

The result runs at any H and W that are **multiples of 64** (ISNet halves the resolution six times
with ceil; elsewhere an upsampled map no longer matches its skip connection: 608² fails with
"Concat … mismatched dimensions 19 vs 20").

The output bytes are deterministic for a given input; ``registry.ModelSpec.sha256`` pins them and
``assemble`` checks it, so a different onnx version that serialised differently would be noticed.
"""

from __future__ import annotations

from typing import Any

KEEP_OUTPUT = "output"


def _topo_sort(graph: Any) -> None:
    available = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    pending = list(graph.node)
    ordered = []
    while pending:
        rest = []
        for node in pending:
            if all(i in available for i in node.input):
                ordered.append(node)
                available.update(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise ValueError("the graph has a cycle or a missing input")
        pending = rest
    del graph.node[:]
    graph.node.extend(ordered)


def _constant(graph: Any, name: str) -> Any:
    from onnx import numpy_helper

    for init in graph.initializer:
        if init.name == name:
            return numpy_helper.to_array(init)
    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            return numpy_helper.to_array(node.attribute[0].t)
    return None


def _target_size(graph: Any, sizes_name: str) -> tuple[int, int]:
    """The constant (H, W) a Resize's ``sizes`` input asks for."""
    value = _constant(graph, sizes_name)
    if value is not None:
        return int(value[-2]), int(value[-1])
    producer = {o: n for n in graph.node for o in n.output}[sizes_name]
    if producer.op_type == "Concat":  # Concat(Slice(Shape(x))[0:2], Constant[H, W])
        value = _constant(graph, producer.input[-1])
        if value is not None and value.size == 2:
            return int(value[0]), int(value[1])
    raise ValueError(f"cannot read a constant size from {sizes_name}")


def _prune(graph: Any, keep_outputs: list[str]) -> None:
    outputs = [o for o in graph.output if o.name in keep_outputs]
    del graph.output[:]
    graph.output.extend(outputs)
    needed = set(keep_outputs)
    keep = []
    for node in reversed(graph.node):
        if any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    keep.reverse()
    del graph.node[:]
    graph.node.extend(keep)
    inits = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)


def rewrite(model: Any) -> int:
    """Rewrite ``model`` (an ``onnx.ModelProto``) in place; returns the number of Resize nodes changed."""
    import numpy as np
    from onnx import numpy_helper, shape_inference

    graph = model.graph
    _topo_sort(graph)
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        shapes[vi.name] = [d.dim_value for d in vi.type.tensor_type.shape.dim]
    changed = 0
    for node in graph.node:
        if node.op_type != "Resize":
            continue
        if len(node.input) < 4 or not node.input[3]:
            raise ValueError(f"{node.name}: expected a `sizes` input")
        out_h, out_w = _target_size(graph, node.input[3])
        in_shape = shapes.get(node.input[0])
        if not in_shape or len(in_shape) != 4 or 0 in in_shape[2:]:
            raise ValueError(f"{node.name}: unknown input shape {in_shape}")
        in_h, in_w = in_shape[2], in_shape[3]
        scales = np.array([1.0, 1.0, out_h / in_h, out_w / in_w], dtype=np.float32)
        if float(scales[2]) * in_h != out_h or float(scales[3]) * in_w != out_w:
            raise ValueError(f"{node.name}: {in_h}×{in_w} -> {out_h}×{out_w} is not an exact scale")
        scales_name = node.name + "_scales"
        graph.initializer.append(numpy_helper.from_array(scales, scales_name))
        x, roi = node.input[0], node.input[1]
        del node.input[:]
        node.input.extend([x, roi, scales_name])
        changed += 1
    _prune(graph, [KEEP_OUTPUT])
    del graph.value_info[:]
    for vi in list(graph.input) + list(graph.output):
        dims = vi.type.tensor_type.shape.dim
        dims[2].ClearField("dim_value")
        dims[2].dim_param = "H"
        dims[3].ClearField("dim_value")
        dims[3].dim_param = "W"
    model.doc_string = (model.doc_string + f" | Resize sizes->scales rewritten ({changed} nodes)").strip(" |")
    return changed


def rewrite_bytes(data: bytes) -> bytes:
    """The rewritten model's serialised bytes, from the original model's bytes."""
    import onnx

    model = onnx.load_model_from_string(data)
    rewrite(model)
    return model.SerializeToString()
