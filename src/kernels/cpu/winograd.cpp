// Winograd F(2x2, 3x3) convolution: forward, input gradient and weight gradient (API in
// winograd.h).
//
// Note [Winograd convolution]
// A 3x3 correlation producing a 2x2 block of outputs reads a 4x4 input patch d and costs 36
// multiplies directly; in the Winograd domain (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) it is 16:
//
//   y (2x2) = A^T [ (G g G^T) (.) (B^T d B) ] A              (.) elementwise over 4x4
//
//   B^T = | 1  0 -1  0 |   G = | 1    0    0   |   A^T = | 1  1  1  0 |
//         | 0  1  1  0 |       | 1/2  1/2  1/2 |         | 0  1 -1 -1 |
//         | 0 -1  1  0 |       | 1/2 -1/2  1/2 |
//         | 0  1  0 -1 |       | 0    0    1   |
//
// Summed over input channels, the 16 elementwise products of a layer become 16 independent
// GEMMs, one per transformed position xi: M_xi (OC, T) = U_xi (OC, C) V_xi (C, T), for T
// tiles; 2.25x fewer multiply-adds than im2col + GEMM, and the column matrix shrinks from 9
// to 4 copies of the input. The forward is transform x -> V, GEMMs, transform M -> y.
// The input gradient is the same computation: a stride-1 3x3 convolution of dy with the
// kernel flipped and its channel axes swapped, padded by 2 - pad (so pads 0..2 only). The
// weight gradient follows from the trilinear form <y', conv(g, d)>, which the identity above
// writes as sum_xi (A y' A^T)_xi (G g G^T)_xi (B^T d B)_xi; its derivative in g is
//
//   dg (3x3) = G^T [ (A e A^T) (.) (B^T d B) ] G              e = the 2x2 block of dy
//
// so the weight gradient reuses the input transform, transforms dy with A, and its GEMMs
// dW_xi (OC, C) = E_xi (OC, T) V_xi^T sum over every tile of the batch (K = T: long, the
// GEMM's best shape). Tiles at the right and bottom edges hang over the output: their input
// patch reads zeros past the padding and their extra outputs are dropped (forward) or zero
// (dy), which keeps all three exact adjoints of each other.
//
// The work is cut into chunks of whole tile rows (of one image or of several: a tile row
// is row r % TH of image r / TH) small enough that the chunk's V and M stay in Zen 4's 1 MiB
// L2; threads take chunks, and each chunk's 16 GEMMs run as one batched call on its thread.
// Transforms work on whole tile rows: the rows of the patches are combined first (vectors
// along the image row), then even and odd columns, so every loop is unit-stride and
// vectorises (the clones below pick AVX-512 or AVX2 at load time).
// Accuracy: the transforms add and halve, so the result differs from the direct sum by a
// few float32 roundings of the largest partial sums: tests compare with the reference
// kernel at the tolerances of every other float32 kernel.
#include "kernels/cpu/winograd.h"

#include <algorithm>
#include <vector>

#include "core/parallel_for.h"
#include "kernels/cpu/gemm/bf16_gemm.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define EMBER_WINOGRAD_CLONES \
  [[gnu::target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")]]
#else
#define EMBER_WINOGRAD_CLONES
#endif

namespace ember::cpu {

namespace {

using kernels::Conv2dArgs;
using kernels::ConvShape;

constexpr int64_t kXi = 16;                    // transformed values per tile (4 x 4)
constexpr int64_t kChunkFloats = 256 * 1024;  // V and M of a chunk: 1 MiB
constexpr int64_t kMinChunkTiles = 48;        // one micro-panel of the GEMM's columns

constexpr float kG[4][3] = {{1.f, 0.f, 0.f}, {.5f, .5f, .5f}, {.5f, -.5f, .5f}, {0.f, 0.f, 1.f}};

// One convolution as the transforms see it: input planes (C, H, W) -> output planes
// (OC, OH, OW), 3x3 window, stride 1, padding (ph, pw), OH = H + 2 ph - 2 (likewise OW).
// Tiles of 2x2 outputs, TH per column and TW per row, indexed with E = TW + 1 per tile row:
// tile (ty, tx) of tile row r = n TH + ty is column (r - r0) E + tx of a chunk's operands.
// The extra tile tx = TW of each row lets every transform run as one loop over a whole
// range of tile rows (Note [Winograd convolution]); its outputs are dropped and its dy is
// zero, so it costs 1 / E of the GEMMs' work and changes no result. Chunks hold `rows` tile
// rows.
struct Geometry {
  int64_t N, C, H, W, OC, OH, OW, ph, pw;
  int64_t TH, TW, E, rows;

  Geometry(int64_t n, int64_t c, int64_t h, int64_t w, int64_t oc, int64_t oh, int64_t ow,
           int64_t pad_h, int64_t pad_w)
      : N(n), C(c), H(h), W(w), OC(oc), OH(oh), OW(ow), ph(pad_h), pw(pad_w),
        TH((oh + 1) / 2), TW((ow + 1) / 2), E(TW + 1) {
    const int64_t tiles = std::max(kMinChunkTiles, kChunkFloats / (kXi * (C + OC)));
    rows = std::clamp<int64_t>(tiles / E, 1, N * TH);
  }
  int64_t tile_rows() const { return N * TH; }
  int64_t chunks() const { return (tile_rows() + rows - 1) / rows; }
  int64_t chunk_begin(int64_t k) const { return k * rows; }
  int64_t chunk_end(int64_t k) const { return std::min(tile_rows(), (k + 1) * rows); }
  // Floats of the calling thread's workspace a chunk needs: two transformed operands of up to
  // max(C, OC) channels each, and four (rows + 1) x E sub-planes for the transforms.
  int64_t workspace_floats() const {
    return 2 * kXi * std::max(C, OC) * rows * E + 4 * ((rows + 1) * E + 1);
  }
};

// The tile rows [ty0, ty0 + R) of one image that a chunk holds, and where they start among
// the chunk's columns.
struct Segment {
  int64_t n, ty0, R, col0;
};

// The segment of the tile rows [r, r1) that lies in the image of row r; r0 starts the chunk.
Segment segment_at(const Geometry& g, int64_t r0, int64_t r, int64_t r1) {
  const int64_t n = r / g.TH, ty0 = r % g.TH;
  return {n, ty0, std::min(r1 - r, g.TH - ty0), (r - r0) * g.E};
}

// The calling thread's workspace, grown on demand and kept (chunks allocate nothing).
float* workspace(int64_t floats) {
  thread_local std::vector<float> buf;
  if (static_cast<int64_t>(buf.size()) < floats) buf.resize(static_cast<size_t>(floats));
  return buf.data();
}

// Splits a plane (h x w, row stride w) into its four parity sub-planes, `rows` x E each with
// row stride E, `stride` floats apart: q[(2 a + b) stride + i E + j] = element
// (2 i + a - top, 2 j + b - left) of the plane. Elements outside the plane are not written
// (q is zeroed first).
[[gnu::always_inline]] inline void split_parity(const float* plane, int64_t h, int64_t w,
                                                int64_t top, int64_t left, int64_t rows,
                                                int64_t E, int64_t stride, float* q) {
  const int64_t first = std::max<int64_t>(0, -top), last = std::min(h, 2 * rows - top);
  for (int64_t y = first; y < last; ++y) {
    const int64_t py = y + top;  // row in the padded frame
    const float* src = plane + y * w;
    float* even = q + (py % 2) * 2 * stride + (py / 2) * E;
    float* odd = even + stride;
    // Column x lands in column x + left of the padded frame: even ones in `even`.
    const int64_t xe = left % 2, xo = 1 - left % 2;
    const int64_t ne = std::min((w - xe + 1) / 2, E - (xe + left) / 2);
    const int64_t no = std::min((w - xo + 1) / 2, E - (xo + left) / 2);
    float* de = even + (xe + left) / 2;
    float* dod = odd + (xo + left - 1) / 2;
    for (int64_t j = 0; j < ne; ++j) de[j] = src[xe + 2 * j];
    for (int64_t j = 0; j < no; ++j) dod[j] = src[xo + 2 * j];
  }
}

// V (16, C, T) for the tile rows [r0, r1) of x (N, C, H, W): V[xi][c][t] = (B^T d B)_xi for
// the input patch d of tile t in channel c. A patch's rows 2 ty + i and columns 2 tx + k are
// sub-plane (i % 2, k % 2) at (ty + i / 2, tx + k / 2): with the sub-planes flattened, tile
// t = ty E + tx reads them at t, t + 1, t + E and t + E + 1.
EMBER_WINOGRAD_CLONES
void input_transform(const float* __restrict x, const Geometry& g, int64_t r0, int64_t r1,
                     float* __restrict v, float* __restrict q) {
  const int64_t E = g.E, T = (r1 - r0) * E, plane = g.C * T;
  for (int64_t r = r0; r < r1;) {
    const Segment sg = segment_at(g, r0, r, r1);
    r += sg.R;
    // One float of slack: the extra tile of the last row reads one past its sub-plane.
    const int64_t rows = sg.R + 1, size = rows * E + 1;
    for (int64_t c = 0; c < g.C; ++c) {
      std::fill(q, q + 4 * size, 0.f);
      split_parity(x + (sg.n * g.C + c) * g.H * g.W, g.H, g.W, g.ph - 2 * sg.ty0, g.pw, rows, E,
                   size, q);
      const float *q00 = q, *q01 = q + size, *q10 = q + 2 * size, *q11 = q + 3 * size;
      float* vc = v + c * T + sg.col0;
      // ivdep: the 16 operand planes of a loop are disjoint, which GCC cannot prove (they
      // are `plane` floats apart) and would otherwise not vectorise over.
#pragma GCC ivdep
      for (int64_t t = 0; t < sg.R * E; ++t) {
        // d[i][k]: patch row i, column k.
        const float d00 = q00[t], d01 = q01[t], d02 = q00[t + 1], d03 = q01[t + 1];
        const float d10 = q10[t], d11 = q11[t], d12 = q10[t + 1], d13 = q11[t + 1];
        const float d20 = q00[t + E], d21 = q01[t + E], d22 = q00[t + E + 1], d23 = q01[t + E + 1];
        const float d30 = q10[t + E], d31 = q11[t + E], d32 = q10[t + E + 1], d33 = q11[t + E + 1];
        // Rows of B^T d, then each row times B.
        const float s[4][4] = {{d00 - d20, d01 - d21, d02 - d22, d03 - d23},
                               {d10 + d20, d11 + d21, d12 + d22, d13 + d23},
                               {d20 - d10, d21 - d11, d22 - d12, d23 - d13},
                               {d10 - d30, d11 - d31, d12 - d32, d13 - d33}};
        for (int i = 0; i < 4; ++i) {
          vc[(4 * i + 0) * plane + t] = s[i][0] - s[i][2];
          vc[(4 * i + 1) * plane + t] = s[i][1] + s[i][2];
          vc[(4 * i + 2) * plane + t] = s[i][2] - s[i][1];
          vc[(4 * i + 3) * plane + t] = s[i][1] - s[i][3];
        }
      }
    }
  }
}

// The output planes of the tile rows [r0, r1) from M (16, OC, T): y (N, OC, OH, OW) gets
// A^T m A for each tile, cropped to the plane.
EMBER_WINOGRAD_CLONES
void output_transform(const float* __restrict m, const Geometry& g, int64_t r0, int64_t r1,
                      float* __restrict y, float* __restrict buf) {
  const int64_t E = g.E, T = (r1 - r0) * E, plane = g.OC * T;
  for (int64_t r = r0; r < r1;) {
    const Segment sg = segment_at(g, r0, r, r1);
    r += sg.R;
    const int64_t size = sg.R * E;
    float *y00 = buf, *y01 = buf + size, *y10 = buf + 2 * size, *y11 = buf + 3 * size;
    for (int64_t oc = 0; oc < g.OC; ++oc) {
      const float* mo = m + oc * T + sg.col0;
      // ivdep: the 16 operand planes of a loop are disjoint, which GCC cannot prove (they
      // are `plane` floats apart) and would otherwise not vectorise over.
#pragma GCC ivdep
      for (int64_t t = 0; t < size; ++t) {
        float s[4], d[4];  // rows 0 and 1 of A^T m
        for (int j = 0; j < 4; ++j) {
          const float m0 = mo[j * plane + t], m1 = mo[(4 + j) * plane + t];
          const float m2 = mo[(8 + j) * plane + t], m3 = mo[(12 + j) * plane + t];
          s[j] = m0 + m1 + m2;
          d[j] = m1 - m2 - m3;
        }
        y00[t] = s[0] + s[1] + s[2];
        y01[t] = s[1] - s[2] - s[3];
        y10[t] = d[0] + d[1] + d[2];
        y11[t] = d[1] - d[2] - d[3];
      }
      float* yo = y + (sg.n * g.OC + oc) * g.OH * g.OW;
      for (int64_t ty = 0; ty < sg.R; ++ty) {
        for (int a = 0; a < 2; ++a) {
          const int64_t oh = 2 * (sg.ty0 + ty) + a;
          if (oh >= g.OH) break;
          const float* even = (a == 0 ? y00 : y10) + ty * E;
          const float* odd = (a == 0 ? y01 : y11) + ty * E;
          float* row = yo + oh * g.OW;
          for (int64_t tx = 0; tx < g.OW / 2; ++tx) {
            row[2 * tx] = even[tx];
            row[2 * tx + 1] = odd[tx];
          }
          if (g.OW % 2 != 0) row[g.OW - 1] = even[g.OW / 2];
        }
      }
    }
  }
}

// E (16, OC, T) for the tile rows [r0, r1) of dy (N, OC, OH, OW): E[xi][oc][t] = (A e A^T)_xi
// for the 2x2 block e of tile t (zero past the plane, and for the extra tile of each row).
EMBER_WINOGRAD_CLONES
void grad_output_transform(const float* __restrict dy, const Geometry& g, int64_t r0,
                           int64_t r1, float* __restrict e, float* __restrict q) {
  const int64_t E = g.E, T = (r1 - r0) * E, plane = g.OC * T;
  for (int64_t r = r0; r < r1;) {
    const Segment sg = segment_at(g, r0, r, r1);
    r += sg.R;
    const int64_t size = sg.R * E;
    for (int64_t oc = 0; oc < g.OC; ++oc) {
      std::fill(q, q + 4 * size, 0.f);
      split_parity(dy + (sg.n * g.OC + oc) * g.OH * g.OW, g.OH, g.OW, -2 * sg.ty0, 0, sg.R, E,
                   size, q);
      const float *a0 = q, *b0 = q + size, *a1 = q + 2 * size, *b1 = q + 3 * size;
      float* eo = e + oc * T + sg.col0;
      // ivdep: the 16 operand planes of a loop are disjoint, which GCC cannot prove (they
      // are `plane` floats apart) and would otherwise not vectorise over.
#pragma GCC ivdep
      for (int64_t t = 0; t < size; ++t) {
        // Rows of e A^T, then A times them.
        const float p[4] = {a0[t], a0[t] + b0[t], a0[t] - b0[t], -b0[t]};
        const float r[4] = {a1[t], a1[t] + b1[t], a1[t] - b1[t], -b1[t]};
        for (int j = 0; j < 4; ++j) {
          eo[j * plane + t] = p[j];
          eo[(4 + j) * plane + t] = p[j] + r[j];
          eo[(8 + j) * plane + t] = p[j] - r[j];
          eo[(12 + j) * plane + t] = -r[j];
        }
      }
    }
  }
}

// U (16, rows, cols) with U[xi][o][i] = (G k G^T)_xi for the 3x3 kernel of output channel o
// and input channel i of the convolution being computed: w (OC, C, 3, 3) itself (rows = OC),
// or, for the input gradient, w flipped in both spatial axes with the channel axes swapped
// (rows = C).
std::vector<float> weight_transform(const float* w, int64_t OC, int64_t C, bool for_input_grad) {
  const int64_t rows = for_input_grad ? C : OC, cols = for_input_grad ? OC : C;
  std::vector<float> u(static_cast<size_t>(kXi * OC * C));
  for (int64_t oc = 0; oc < OC; ++oc) {
    for (int64_t c = 0; c < C; ++c) {
      const float* k = w + (oc * C + c) * 9;
      float kk[3][3];
      for (int kh = 0; kh < 3; ++kh) {
        for (int kw = 0; kw < 3; ++kw) {
          kk[kh][kw] = for_input_grad ? k[(2 - kh) * 3 + (2 - kw)] : k[kh * 3 + kw];
        }
      }
      float gk[4][3] = {};  // G k
      for (int a = 0; a < 4; ++a) {
        for (int kw = 0; kw < 3; ++kw) {
          for (int kh = 0; kh < 3; ++kh) gk[a][kw] += kG[a][kh] * kk[kh][kw];
        }
      }
      const int64_t o = for_input_grad ? c : oc, i = for_input_grad ? oc : c;
      for (int a = 0; a < 4; ++a) {
        for (int b = 0; b < 4; ++b) {
          float sum = 0.f;
          for (int kw = 0; kw < 3; ++kw) sum += gk[a][kw] * kG[b][kw];
          u[static_cast<size_t>(((a * 4 + b) * rows + o) * cols + i)] = sum;
        }
      }
    }
  }
  return u;
}

// out (N, OC, OH, OW) = the convolution of in (N, C, H, W) with the transformed kernel U.
void transformed_conv(const float* in, const float* u, float* out, const Geometry& g) {
  parallel_for(0, g.chunks(), kXi * g.OC * g.C * g.rows * g.E, [&](int64_t k0, int64_t k1) {
    float* ws = workspace(g.workspace_floats());
    for (int64_t k = k0; k < k1; ++k) {
      const int64_t r0 = g.chunk_begin(k), r1 = g.chunk_end(k), T = (r1 - r0) * g.E;
      float* v = ws;
      float* m = v + kXi * g.C * T;
      float* buf = m + kXi * g.OC * T;
      input_transform(in, g, r0, r1, v, buf);
      float32_matmul_gemm_batched(kXi, g.OC, T, g.C, 1.f, {u, g.C, 1, g.OC * g.C},
                                  {v, T, 1, g.C * T}, 0.f, m, T, g.OC * T);
      output_transform(m, g, r0, r1, out, buf);
    }
  });
}

}  // namespace

bool winograd_applies(const ConvShape& s, const Conv2dArgs& a) {
  return s.G == 1 && s.KH == 3 && s.KW == 3 && a.stride_h == 1 && a.stride_w == 1 &&
         a.dilation_h == 1 && a.dilation_w == 1 && a.pad_h >= 0 && a.pad_h <= 2 &&
         a.pad_w >= 0 && a.pad_w <= 2 && s.C >= 16 && s.OC >= 16 && s.OH >= 1 && s.OW >= 1;
}

void winograd_conv2d(const float* x, const float* w, float* y, const ConvShape& s,
                     const Conv2dArgs& a) {
  if (s.N == 0) return;
  const std::vector<float> u = weight_transform(w, s.OC, s.C, false);
  transformed_conv(x, u.data(), y,
                   Geometry(s.N, s.C, s.H, s.W, s.OC, s.OH, s.OW, a.pad_h, a.pad_w));
}

void winograd_conv2d_backward_input(const float* dy, const float* w, float* dx,
                                    const ConvShape& s, const Conv2dArgs& a) {
  if (s.N == 0) return;
  const std::vector<float> u = weight_transform(w, s.OC, s.C, true);
  transformed_conv(dy, u.data(), dx,
                   Geometry(s.N, s.OC, s.OH, s.OW, s.C, s.H, s.W, 2 - a.pad_h, 2 - a.pad_w));
}

void winograd_conv2d_backward_weight(const float* dy, const float* x, float* dw,
                                     const ConvShape& s, const Conv2dArgs& a) {
  const int64_t acc_size = kXi * s.OC * s.C;
  std::vector<float> acc;
  if (s.N > 0) {
    // Each slice of chunks sums into its own accumulator; the slices are added in order.
    const Geometry g(s.N, s.C, s.H, s.W, s.OC, s.OH, s.OW, a.pad_h, a.pad_w);
    const int64_t chunks = g.chunks();
    const int64_t slices = std::clamp<int64_t>(num_threads(), 1, chunks);
    acc.assign(static_cast<size_t>(slices * acc_size), 0.f);
    parallel_for(0, slices, kXi * s.OC * s.C * s.N * g.TH * g.E / slices,
                 [&](int64_t b0, int64_t b1) {
                   float* ws = workspace(g.workspace_floats());
                   for (int64_t b = b0; b < b1; ++b) {
                     for (int64_t k = b * chunks / slices; k < (b + 1) * chunks / slices; ++k) {
                       const int64_t r0 = g.chunk_begin(k), r1 = g.chunk_end(k);
                       const int64_t T = (r1 - r0) * g.E;
                       float* v = ws;
                       float* e = v + kXi * s.C * T;
                       float* buf = e + kXi * s.OC * T;
                       input_transform(x, g, r0, r1, v, buf);
                       grad_output_transform(dy, g, r0, r1, e, buf);
                       float32_matmul_gemm_batched(kXi, s.OC, s.C, T, 1.f, {e, T, 1, s.OC * T},
                                                   {v, 1, T, s.C * T}, 1.f,
                                                   acc.data() + b * acc_size, s.C, s.OC * s.C);
                     }
                   }
                 });
    for (int64_t b = 1; b < slices; ++b) {
      const float* p = acc.data() + b * acc_size;
      for (int64_t i = 0; i < acc_size; ++i) acc[static_cast<size_t>(i)] += p[i];
    }
  }
  // dw = G^T D G for each (oc, c), D the 4x4 accumulated products.
  for (int64_t oc = 0; oc < s.OC; ++oc) {
    for (int64_t c = 0; c < s.C; ++c) {
      float d[4][4];
      for (int xi = 0; xi < kXi; ++xi) {
        d[xi / 4][xi % 4] =
            acc.empty() ? 0.f : acc[static_cast<size_t>((xi * s.OC + oc) * s.C + c)];
      }
      float* out = dw + (oc * s.C + c) * 9;
      for (int kh = 0; kh < 3; ++kh) {
        for (int kw = 0; kw < 3; ++kw) {
          float sum = 0.f;
          for (int p = 0; p < 4; ++p) {
            for (int q = 0; q < 4; ++q) sum += kG[p][kh] * d[p][q] * kG[q][kw];
          }
          out[kh * 3 + kw] = sum;
        }
      }
    }
  }
}

}  // namespace ember::cpu
