// Reference kernels: layer_norm, batch_norm and their backwards.
//
// Plain loops in double, the oracle the fast kernels in src/kernels/cpu/norm.cpp are tested
// against. The mean and the (biased) variance are two separate passes over a row (a channel
// for batch_norm), exactly as the textbook writes them. group_norm and rms_norm are
// composite ops (src/ops/norm.cpp) and have no kernels.
#include <cmath>

#include "core/dispatch.h"
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

namespace {

// x (N, C) contiguous, weight/bias (C) or undefined -> out (N, C) overwritten;
// mean, rstd (N) overwritten. All in x's dtype; math in double.
void layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                Tensor& mean, Tensor& rstd, double eps) {
  dispatch_floating(x.dtype(), "layer_norm", [&]<typename T>() {
    const int64_t N = x.size(0), C = x.size(1);
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* pm = mean.data<T>();
    T* pr = rstd.data<T>();
    for (int64_t n = 0; n < N; ++n) {
      const T* row = px + n * C;
      double m = 0;
      for (int64_t c = 0; c < C; ++c) m += static_cast<double>(row[c]);
      m /= static_cast<double>(C);
      double var = 0;
      for (int64_t c = 0; c < C; ++c) {
        double d = static_cast<double>(row[c]) - m;
        var += d * d;
      }
      var /= static_cast<double>(C);
      double r = 1.0 / std::sqrt(var + eps);
      for (int64_t c = 0; c < C; ++c) {
        double y = (static_cast<double>(row[c]) - m) * r;
        if (pw != nullptr) y *= static_cast<double>(pw[c]);
        if (pb != nullptr) y += static_cast<double>(pb[c]);
        po[n * C + c] = static_cast<T>(y);
      }
      pm[n] = static_cast<T>(m);
      pr[n] = static_cast<T>(r);
    }
  });
}

// dout, x (N, C); mean, rstd (N); weight (C) or undefined -> dx (N, C) overwritten;
// dweight, dbias (C) overwritten when defined. With xhat = (x - mean) * rstd and
// gw = dout * weight (PyTorch's formula):
//   dx      = rstd * (gw - mean_c(gw) - xhat * mean_c(gw * xhat))
//   dweight = sum_n dout * xhat,   dbias = sum_n dout
void layer_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& mean,
                         const Tensor& rstd, const Tensor& weight, Tensor& dx, Tensor& dweight,
                         Tensor& dbias) {
  dispatch_floating(x.dtype(), "layer_norm_backward", [&]<typename T>() {
    const int64_t N = x.size(0), C = x.size(1);
    const T* pg = dout.data<T>();
    const T* px = x.data<T>();
    const T* pm = mean.data<T>();
    const T* pr = rstd.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    T* pdx = dx.data<T>();
    auto xhat = [&](int64_t n, int64_t c) {
      return (static_cast<double>(px[n * C + c]) - static_cast<double>(pm[n])) *
             static_cast<double>(pr[n]);
    };
    auto gw = [&](int64_t n, int64_t c) {
      double g = static_cast<double>(pg[n * C + c]);
      return pw != nullptr ? g * static_cast<double>(pw[c]) : g;
    };
    for (int64_t n = 0; n < N; ++n) {
      double sum_gw = 0, sum_gw_xhat = 0;
      for (int64_t c = 0; c < C; ++c) {
        sum_gw += gw(n, c);
        sum_gw_xhat += gw(n, c) * xhat(n, c);
      }
      double mean_gw = sum_gw / static_cast<double>(C);
      double mean_gw_xhat = sum_gw_xhat / static_cast<double>(C);
      for (int64_t c = 0; c < C; ++c) {
        double d = static_cast<double>(pr[n]) * (gw(n, c) - mean_gw - xhat(n, c) * mean_gw_xhat);
        pdx[n * C + c] = static_cast<T>(d);
      }
    }
    if (dweight.defined()) {
      T* pdw = dweight.data<T>();
      for (int64_t c = 0; c < C; ++c) {
        double acc = 0;
        for (int64_t n = 0; n < N; ++n) acc += static_cast<double>(pg[n * C + c]) * xhat(n, c);
        pdw[c] = static_cast<T>(acc);
      }
    }
    if (dbias.defined()) {
      T* pdb = dbias.data<T>();
      for (int64_t c = 0; c < C; ++c) {
        double acc = 0;
        for (int64_t n = 0; n < N; ++n) acc += static_cast<double>(pg[n * C + c]);
        pdb[c] = static_cast<T>(acc);
      }
    }
  });
}

// x (N, C, S) contiguous, weight/bias (C) or undefined -> out (N, C, S) overwritten;
// invstd (C) overwritten; mean, var (C) overwritten (training) or read (eval). Math in double.
void batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, Tensor& out,
                Tensor& mean, Tensor& var, Tensor& invstd, const kernels::BatchNormArgs& args) {
  dispatch_floating(x.dtype(), "batch_norm", [&]<typename T>() {
    const int64_t N = x.size(0), C = x.size(1), S = x.size(2);
    const T* px = x.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* pm = mean.data<T>();
    T* pv = var.data<T>();
    T* pi = invstd.data<T>();
    auto at = [&](int64_t n, int64_t c, int64_t s) { return (n * C + c) * S + s; };
    const double count = static_cast<double>(N * S);
    for (int64_t c = 0; c < C; ++c) {
      double m = 0, v = 0;
      if (args.training) {
        for (int64_t n = 0; n < N; ++n) {
          for (int64_t s = 0; s < S; ++s) m += static_cast<double>(px[at(n, c, s)]);
        }
        m = count > 0 ? m / count : 0.0;
        for (int64_t n = 0; n < N; ++n) {
          for (int64_t s = 0; s < S; ++s) {
            double d = static_cast<double>(px[at(n, c, s)]) - m;
            v += d * d;
          }
        }
        v = count > 0 ? v / count : 0.0;
        pm[c] = static_cast<T>(m);
        pv[c] = static_cast<T>(v);
      } else {
        m = static_cast<double>(pm[c]);
        v = static_cast<double>(pv[c]);
      }
      double r = 1.0 / std::sqrt(v + args.eps);
      pi[c] = static_cast<T>(r);
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t s = 0; s < S; ++s) {
          double y = (static_cast<double>(px[at(n, c, s)]) - m) * r;
          if (pw != nullptr) y *= static_cast<double>(pw[c]);
          if (pb != nullptr) y += static_cast<double>(pb[c]);
          po[at(n, c, s)] = static_cast<T>(y);
        }
      }
    }
  });
}

// dout, x (N, C, S); mean, invstd (C); weight (C) or undefined -> dx (N, C, S), dweight,
// dbias (C), each overwritten when defined. With xhat = (x - mean) * invstd and the sums
// over (N, S) of one channel (PyTorch's batch_norm_backward):
//   training: dx = invstd * w * (dout - sum(dout) / count - xhat * sum(dout * xhat) / count)
//   eval:     dx = invstd * w * dout
//   dweight = sum(dout * xhat),   dbias = sum(dout)
void batch_norm_backward(const Tensor& dout, const Tensor& x, const Tensor& mean,
                         const Tensor& invstd, const Tensor& weight, Tensor& dx, Tensor& dweight,
                         Tensor& dbias, const kernels::BatchNormArgs& args) {
  dispatch_floating(x.dtype(), "batch_norm_backward", [&]<typename T>() {
    const int64_t N = x.size(0), C = x.size(1), S = x.size(2);
    const T* pg = dout.data<T>();
    const T* px = x.data<T>();
    const T* pm = mean.data<T>();
    const T* pi = invstd.data<T>();
    const T* pw = weight.defined() ? weight.data<T>() : nullptr;
    auto at = [&](int64_t n, int64_t c, int64_t s) { return (n * C + c) * S + s; };
    const double count = static_cast<double>(N * S);
    for (int64_t c = 0; c < C; ++c) {
      const double m = static_cast<double>(pm[c]), r = static_cast<double>(pi[c]);
      const double w = pw != nullptr ? static_cast<double>(pw[c]) : 1.0;
      auto xhat = [&](int64_t i) { return (static_cast<double>(px[i]) - m) * r; };
      double sum_g = 0, sum_g_xhat = 0;
      for (int64_t n = 0; n < N; ++n) {
        for (int64_t s = 0; s < S; ++s) {
          sum_g += static_cast<double>(pg[at(n, c, s)]);
          sum_g_xhat += static_cast<double>(pg[at(n, c, s)]) * xhat(at(n, c, s));
        }
      }
      if (dx.defined()) {
        T* pdx = dx.data<T>();
        for (int64_t n = 0; n < N; ++n) {
          for (int64_t s = 0; s < S; ++s) {
            const int64_t i = at(n, c, s);
            double d = static_cast<double>(pg[i]);
            if (args.training) d -= (sum_g + xhat(i) * sum_g_xhat) / count;
            pdx[i] = static_cast<T>(d * r * w);
          }
        }
      }
      if (dweight.defined()) dweight.data<T>()[c] = static_cast<T>(sum_g_xhat);
      if (dbias.defined()) dbias.data<T>()[c] = static_cast<T>(sum_g);
    }
  });
}

}  // namespace

void register_norm() {
  constexpr Backend R = Backend::ref;
  kernels::layer_norm.set(R, &ref::layer_norm);
  kernels::layer_norm_backward.set(R, &ref::layer_norm_backward);
  kernels::batch_norm.set(R, &ref::batch_norm);
  kernels::batch_norm_backward.set(R, &ref::batch_norm_backward);
}

}  // namespace ember::ref
