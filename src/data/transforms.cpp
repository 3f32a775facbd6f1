// SampleRandom and the per-sample transforms. The loops copy bytes (crop, flip) or compute in
// the input's dtype (normalize) over contiguous memory; each transform returns a new tensor
// with no autograd history.
#include "ember/data/transforms.h"

#include <algorithm>
#include <cstring>

#include "core/dispatch.h"
#include "data/derive_seed.h"
#include "ember/core/generator.h"
#include "ember/ops/factory.h"

namespace ember::data {

SampleRandom::SampleRandom(uint64_t seed, int64_t epoch, int64_t index)
    : key_(detail::sample_seed(seed, epoch, index)) {}

float SampleRandom::uniform() { return Generator::uniform_float(key_, counter_++); }

int64_t SampleRandom::randint(int64_t low, int64_t high) {
  EMBER_CHECK(low < high, "SampleRandom::randint: expected low < high, got low=", low,
              ", high=", high);
  uint64_t r = (static_cast<uint64_t>(Generator::draw(key_, counter_)) << 32) |
               Generator::draw(key_, counter_ + 1);
  counter_ += 2;
  return low + static_cast<int64_t>(r % static_cast<uint64_t>(high - low));
}

// ---- Normalize ---------------------------------------------------------------------------

Normalize::Normalize(std::vector<double> mean, std::vector<double> std)
    : mean_(std::move(mean)), std_(std::move(std)) {
  EMBER_CHECK(!mean_.empty() && !std_.empty(),
              "Normalize: expected at least one mean and one std, got ", mean_.size(),
              " means and ", std_.size(), " stds");
  EMBER_CHECK(mean_.size() == std_.size() || mean_.size() == 1 || std_.size() == 1,
              "Normalize: expected as many means as stds (or a single one), got ", mean_.size(),
              " means and ", std_.size(), " stds");
  for (size_t c = 0; c < std_.size(); ++c) {
    EMBER_CHECK(std_[c] != 0.0, "Normalize: expected non-zero stds, got std[", c, "] = 0");
  }
}

Tensor Normalize::operator()(const Tensor& input, SampleRandom& /*random*/) const {
  EMBER_CHECK_DTYPE(is_floating(input.dtype()), "Normalize: expected a floating input, got ",
                    input.dtype());
  EMBER_CHECK_SHAPE(input.dim() >= 1, "Normalize: expected an input (C,...), got shape ",
                    shape_str(input.sizes()));
  int64_t C = input.size(0);
  auto channels = static_cast<int64_t>(std::max(mean_.size(), std_.size()));
  EMBER_CHECK_SHAPE(channels == 1 || channels == C, "Normalize: expected an input with ", channels,
                    " channels in dim 0, got shape ", shape_str(input.sizes()));
  Tensor x = input.contiguous();
  Tensor out = empty(x.sizes(), {.dtype = x.dtype()});
  int64_t inner = C == 0 ? 0 : x.numel() / C;
  dispatch_floating(x.dtype(), "Normalize", [&]<typename T>() {
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    for (int64_t c = 0; c < C; ++c) {
      // The mean and std are rounded to T first, as torchvision's sub_(mean).div_(std).
      auto m = static_cast<T>(mean_[mean_.size() == 1 ? 0 : static_cast<size_t>(c)]);
      auto s = static_cast<T>(std_[std_.size() == 1 ? 0 : static_cast<size_t>(c)]);
      for (int64_t i = c * inner; i < (c + 1) * inner; ++i) dst[i] = (src[i] - m) / s;
    }
  });
  return out;
}

// ---- RandomCrop --------------------------------------------------------------------------

RandomCrop::RandomCrop(int64_t size, int64_t padding) : RandomCrop({size, size}, padding) {}

RandomCrop::RandomCrop(std::array<int64_t, 2> size, int64_t padding)
    : height_(size[0]), width_(size[1]), padding_(padding) {
  EMBER_CHECK(height_ >= 1 && width_ >= 1, "RandomCrop: expected a size >= 1, got (", height_, ", ",
              width_, ")");
  EMBER_CHECK(padding_ >= 0, "RandomCrop: expected padding >= 0, got ", padding_);
}

Tensor RandomCrop::operator()(const Tensor& input, SampleRandom& random) const {
  EMBER_CHECK_SHAPE(input.dim() >= 2, "RandomCrop: expected an input (...,H,W), got shape ",
                    shape_str(input.sizes()));
  int64_t H = input.size(-2), W = input.size(-1);
  int64_t padded_h = H + 2 * padding_, padded_w = W + 2 * padding_;
  EMBER_CHECK_SHAPE(height_ <= padded_h && width_ <= padded_w,
                    "RandomCrop: expected a padded input at least as large as the crop (", height_,
                    ", ", width_, "), got shape ", shape_str(input.sizes()), " with padding ",
                    padding_);
  // The same draws as torchvision's get_params: the row offset, then the column offset.
  int64_t top = random.randint(0, padded_h - height_ + 1);
  int64_t left = random.randint(0, padded_w - width_ + 1);

  Tensor x = input.contiguous();
  Shape out_shape = x.sizes();
  out_shape[out_shape.size() - 2] = height_;
  out_shape[out_shape.size() - 1] = width_;
  Tensor out = zeros(out_shape, {.dtype = x.dtype()});
  int64_t planes = shape_numel(Shape(out_shape.begin(), out_shape.end() - 2));
  size_t esz = element_size(x.dtype());
  // Output (r, c) is padded (top + r, left + c), which is input (top + r - pad, left + c - pad)
  // when inside the input and zero otherwise. Columns [c0, c1) are the inside ones.
  int64_t c0 = std::max<int64_t>(0, padding_ - left);
  int64_t c1 = std::min<int64_t>(width_, W + padding_ - left);
  if (c1 <= c0) return out;
  const auto* src = static_cast<const uint8_t*>(x.data_ptr());
  auto* dst = static_cast<uint8_t*>(out.data_ptr());
  size_t row_bytes = static_cast<size_t>(c1 - c0) * esz;
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t r = 0; r < height_; ++r) {
      int64_t sr = top + r - padding_;
      if (sr < 0 || sr >= H) continue;
      std::memcpy(dst + static_cast<size_t>((p * height_ + r) * width_ + c0) * esz,
                  src + static_cast<size_t>((p * H + sr) * W + left + c0 - padding_) * esz,
                  row_bytes);
    }
  }
  return out;
}

// ---- RandomHorizontalFlip ----------------------------------------------------------------

namespace {

// Reverses each row of W elements of a (rows, W) array; U is an unsigned type of the element
// size, so one loop serves every dtype.
template <typename U>
void flip_rows(const void* src, void* dst, int64_t rows, int64_t W) {
  const U* s = static_cast<const U*>(src);
  U* d = static_cast<U*>(dst);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < W; ++c) d[r * W + c] = s[r * W + (W - 1 - c)];
  }
}

}  // namespace

RandomHorizontalFlip::RandomHorizontalFlip(double p) : p_(p) {
  EMBER_CHECK(p_ >= 0.0 && p_ <= 1.0, "RandomHorizontalFlip: expected 0 <= p <= 1, got ", p_);
}

Tensor RandomHorizontalFlip::operator()(const Tensor& input, SampleRandom& random) const {
  EMBER_CHECK_SHAPE(input.dim() >= 1, "RandomHorizontalFlip: expected an input (...,W), got shape ",
                    shape_str(input.sizes()));
  if (!(static_cast<double>(random.uniform()) < p_)) return input;
  Tensor x = input.contiguous();
  Tensor out = empty(x.sizes(), {.dtype = x.dtype()});
  int64_t W = x.size(-1);
  if (W == 0) return out;
  int64_t rows = x.numel() / W;
  switch (element_size(x.dtype())) {
    case 1:
      flip_rows<uint8_t>(x.data_ptr(), out.data_ptr(), rows, W);
      break;
    case 2:
      flip_rows<uint16_t>(x.data_ptr(), out.data_ptr(), rows, W);
      break;
    case 4:
      flip_rows<uint32_t>(x.data_ptr(), out.data_ptr(), rows, W);
      break;
    case 8:
      flip_rows<uint64_t>(x.data_ptr(), out.data_ptr(), rows, W);
      break;
    default:
      EMBER_THROW(InternalError, "RandomHorizontalFlip: unexpected element size ",
                  element_size(x.dtype()));
  }
  return out;
}

// ---- Compose -----------------------------------------------------------------------------

Compose::Compose(std::vector<Transform> transforms) : transforms_(std::move(transforms)) {
  for (size_t i = 0; i < transforms_.size(); ++i) {
    EMBER_CHECK(static_cast<bool>(transforms_[i]),
                "Compose: expected callable transforms, got an empty one at position ", i);
  }
}

Tensor Compose::operator()(const Tensor& input, SampleRandom& random) const {
  Tensor x = input;
  for (const Transform& t : transforms_) x = t(x, random);
  return x;
}

}  // namespace ember::data
