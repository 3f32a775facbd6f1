// gunzip with zlib's inflate over an in-memory buffer: one read of the file, and an output
// buffer sized from the gzip trailer so that a single-member file decompresses in one pass.
#include "data/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

#include "ember/core/error.h"

namespace ember::data::detail {

namespace {

// inflate's counters are `unsigned int`: feed it at most this much per call.
constexpr size_t kMaxChunk = size_t{1} << 30;
// Deflate cannot expand data by more than about 1032:1, which bounds a forged trailer.
constexpr size_t kMaxRatio = 1032;

class Inflater {
 public:
  explicit Inflater(const std::string& what) {
    int rc = inflateInit2(&zs_, 16 + MAX_WBITS);  // 16: expect a gzip header and trailer
    EMBER_CHECK_IO(rc == Z_OK, what, ": cannot initialise zlib (", zError(rc), ")");
  }
  ~Inflater() { inflateEnd(&zs_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
};

}  // namespace

bool is_gzip(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

std::vector<uint8_t> gunzip(const std::vector<uint8_t>& in, const std::string& what) {
  Inflater inflater(what);
  z_stream* zs = inflater.get();
  std::vector<uint8_t> out;
  if (in.size() >= 4) {
    // The last member's ISIZE: the uncompressed size mod 2^32 of a one-member file.
    const uint8_t* t = in.data() + in.size() - 4;
    size_t isize = static_cast<size_t>(t[0]) | static_cast<size_t>(t[1]) << 8 |
                   static_cast<size_t>(t[2]) << 16 | static_cast<size_t>(t[3]) << 24;
    out.resize(std::min(isize, in.size() * kMaxRatio));
  }
  size_t in_pos = 0, out_pos = 0;
  while (true) {
    if (out_pos == out.size()) out.resize(std::max<size_t>(out.size() * 2, 1 << 16));
    size_t in_avail = std::min(in.size() - in_pos, kMaxChunk);
    size_t out_avail = std::min(out.size() - out_pos, kMaxChunk);
    zs->next_in = const_cast<Bytef*>(in.data() + in_pos);  // zlib's API is not const-correct
    zs->avail_in = static_cast<uInt>(in_avail);
    zs->next_out = out.data() + out_pos;
    zs->avail_out = static_cast<uInt>(out_avail);
    int rc = inflate(zs, Z_NO_FLUSH);
    in_pos += in_avail - zs->avail_in;
    out_pos += out_avail - zs->avail_out;
    if (rc == Z_STREAM_END) {
      if (in_pos == in.size()) break;
      size_t rest = in.size() - in_pos;
      EMBER_CHECK_IO(rest >= 2 && in[in_pos] == 0x1f && in[in_pos + 1] == 0x8b, what, ": ", rest,
                     " trailing bytes after the gzip stream at offset ", in_pos);
      inflateReset(zs);  // another member follows
      continue;
    }
    if (rc == Z_BUF_ERROR && in_pos == in.size()) {
      EMBER_THROW(IoError, what, ": truncated gzip stream (", in.size(),
                  " compressed bytes end before the end-of-stream marker)");
    }
    EMBER_CHECK_IO(rc == Z_OK || rc == Z_BUF_ERROR, what, ": corrupt gzip data near offset ",
                   in_pos, " (", zs->msg != nullptr ? zs->msg : zError(rc), ")");
  }
  out.resize(out_pos);
  return out;
}

}  // namespace ember::data::detail
