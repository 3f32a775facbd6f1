"""PyTorch side of the shape and indexing cases (tests/ops/op_cases_shape.cpp).

Imported by ops.py. Every case passes arguments the op's default would not, so each is
listed by case name; the functions mirror the C++ case bodies line by line.
"""
import torch
import torch.nn.functional as F


def _times_two(pieces):
    return tuple(p * 2 for p in pieces)


def _index_corner(src, index):
    """The part of src that scatter reads: index's shape, from the origin."""
    return src[tuple(slice(0, n) for n in index.shape)]


CASES = {
    # joining and splitting
    "cat_dim1": lambda a, b, c: torch.cat([a, b, c], 1),
    "cat_neg_dim": lambda a, b: torch.cat([a, b], -1),
    "cat_empty": lambda a, b, c, d: torch.cat([a, b, c, d], 0),
    "cat_single": lambda a: torch.cat([a], 0),
    "cat_promotes_int": lambda a, b: torch.cat([a, b], 1),
    "stack_dim0": lambda a, b, c: torch.stack([a, b, c], 0),
    "stack_last": lambda a, b: torch.stack([a, b], -1),
    "stack_scalars": lambda a, b: torch.stack([a.reshape(()), b.reshape(())]),
    "split_size": lambda x: _times_two(torch.split(x, 3, 0)),
    "split_sizes_neg_dim": lambda x: _times_two(torch.split(x, [1, 0, 5], -1)),
    "chunk_uneven": lambda x: _times_two(torch.chunk(x, 4, 1)),
    "chunk_fewer": lambda x: _times_two(torch.chunk(x, 4, 0)),
    "chunk_empty": lambda x: _times_two(torch.chunk(x, 3, 0)),
    # indexing
    "index_select_repeated": lambda x, i: torch.index_select(x, 0, i),
    "index_select_dim1": lambda x, i: torch.index_select(x, 1, i),
    "index_select_last": lambda x, i: torch.index_select(x, -1, i),
    "index_select_empty_index": lambda x, i: torch.index_select(x, 0, i),
    "index_add_repeated": lambda x, i, s: torch.index_add(x, 0, i, s),
    "gather_dim0": lambda x, i: torch.gather(x, 0, i),
    "gather_dim1_smaller_index": lambda x, i: torch.gather(x, 1, i),
    "gather_neg_dim": lambda x, i: torch.gather(x, -1, i),
    # PyTorch's backward rejects a src larger than index, so it gets the corner that is read.
    "scatter_dim0_src_larger": lambda x, i, s: torch.scatter(x, 0, i, _index_corner(s, i)),
    "scatter_dim1_partial_rows": lambda x, i, s: torch.scatter(x, -1, i, s),
    "scatter_value": lambda x, i: torch.scatter(x, 1, i, 0.5),
    "scatter_add_dim0": lambda x, i, s: torch.scatter_add(x, 0, i, s),
    "scatter_add_dim1_src_larger":
        lambda x, i, s: torch.scatter_add(x, 1, i, _index_corner(s, i)),
    "masked_fill_broadcast": lambda x, m: x.masked_fill(m, -1.5),
    "masked_fill_same_shape": lambda x, m: x.masked_fill(m, 0.0),
    "one_hot_infer": lambda i: F.one_hot(i),
    "one_hot_given": lambda i: F.one_hot(i, 5),
    "embedding_2d_indices": lambda i, w: F.embedding(i, w),
    "embedding_padding_idx": lambda i, w: F.embedding(i, w, padding_idx=1),
    "embedding_int32_negative_padding": lambda i, w: F.embedding(i.int(), w, padding_idx=-1),
    # triangles, tiling, padding, rolling, flipping
    "tril_square": lambda x: torch.tril(x),
    "tril_batched_offset": lambda x: torch.tril(x, 1),
    "tril_tall_negative": lambda x: torch.tril(x, -2),
    "tril_empty": lambda x: torch.tril(x),
    "triu_square": lambda x: torch.triu(x),
    "triu_batched_negative": lambda x: torch.triu(x, -1),
    "triu_wide_offset": lambda x: torch.triu(x, 2),
    "repeat_2d": lambda x: x.repeat(2, 1),
    "repeat_new_dims": lambda x: x.repeat(2, 1, 3),
    "repeat_zero": lambda x: x.repeat(0, 3),
    "repeat_ones": lambda x: x.repeat(1, 1),
    "pad_constant_last": lambda x: F.pad(x, (1, 2), value=0.5),
    "pad_constant_negative": lambda x: F.pad(x, (-1, 2, 1, -2)),
    "pad_constant_3d": lambda x: F.pad(x, (1, 0, 0, 1, 2, 1), value=-1.0),
    "pad_constant_zero": lambda x: F.pad(x, (0, 0)),
    "pad_reflect_1d": lambda x: F.pad(x, (2, 3), mode="reflect"),
    "pad_reflect_2d": lambda x: F.pad(x, (2, 1, 1, 3), mode="reflect"),
    "pad_reflect_3d": lambda x: F.pad(x, (1, 2, 1, 1, 2, 0), mode="reflect"),
    "roll_one_dim": lambda x: torch.roll(x, 2, 1),
    "roll_two_dims": lambda x: torch.roll(x, (-1, 5), (0, -1)),
    "roll_flattened": lambda x: torch.roll(x, 5),
    "flip_last": lambda x: torch.flip(x, (-1,)),
    "flip_two_dims": lambda x: torch.flip(x, (0, 2)),
    "flip_empty": lambda x: torch.flip(x, (1,)),
}
