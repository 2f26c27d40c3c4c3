// Indexing: Python-style t[...] (get and index_put_), index_select, gather/scatter, masked_fill,
// where, nonzero.
#include <ATen/TensorIndexing.h>

#include <limits>

#include "common.h"

using srn::scalar_of;
using srn::tensor_of;

namespace {

// libtorch 1.13 silently ignores a floating-point mask in masked_fill; reject anything but bool.
const at::Tensor& bool_mask(srn_tensor h) {
  const auto& m = tensor_of(h);
  TORCH_CHECK(m.scalar_type() == at::kBool, "masked_fill: the mask must be a bool tensor, got ", m.scalar_type());
  return m;
}

constexpr int64_t kNone = std::numeric_limits<int64_t>::min();

c10::optional<int64_t> bound_of(int64_t v) {
  if (v == kNone) return c10::nullopt;
  return v;
}

// Decodes the parallel-array index list of srn_index / srn_index_put_ (see srn_native.h).
std::vector<at::indexing::TensorIndex> indices_of(const int32_t* kinds, const int64_t* values,
                                                  const srn_tensor* tensors, int32_t n) {
  if (n < 0 || (n > 0 && (kinds == nullptr || values == nullptr || tensors == nullptr))) {
    throw std::invalid_argument("invalid index list");
  }
  std::vector<at::indexing::TensorIndex> out;
  out.reserve(static_cast<size_t>(n));
  for (int32_t k = 0; k < n; ++k) {
    const int64_t* v = values + 3 * static_cast<int64_t>(k);
    switch (kinds[k]) {
      case 0: out.emplace_back(at::indexing::None); break;
      case 1: out.emplace_back(at::indexing::Ellipsis); break;
      case 2: out.emplace_back(v[0]); break;
      case 3: out.emplace_back(static_cast<bool>(v[0] != 0)); break;
      case 4: out.emplace_back(at::indexing::Slice(bound_of(v[0]), bound_of(v[1]), v[2])); break;
      case 5: out.emplace_back(tensor_of(tensors[k])); break;
      default: throw std::invalid_argument("invalid index kind " + std::to_string(kinds[k]) + " at position " + std::to_string(k));
    }
  }
  return out;
}

}  // namespace

extern "C" {

srn_tensor srn_index(srn_tensor t, const int32_t* kinds, const int64_t* values, const srn_tensor* tensors,
                     int32_t n) {
  SRN_TENSOR(const auto& x = tensor_of(t); return x.index(indices_of(kinds, values, tensors, n));)
}

int32_t srn_index_put_(srn_tensor t, const int32_t* kinds, const int64_t* values, const srn_tensor* tensors,
                       int32_t n, srn_tensor value) {
  SRN_STATUS(auto& x = srn::mutable_tensor_of(t);
             x.index_put_(indices_of(kinds, values, tensors, n), tensor_of(value));)
}

int32_t srn_index_put_scalar_(srn_tensor t, const int32_t* kinds, const int64_t* values,
                              const srn_tensor* tensors, int32_t n, srn_scalar value) {
  SRN_STATUS(auto& x = srn::mutable_tensor_of(t);
             x.index_put_(indices_of(kinds, values, tensors, n), scalar_of(value));)
}

srn_tensor srn_index_select(srn_tensor t, int64_t dim, srn_tensor index) {
  SRN_TENSOR(return tensor_of(t).index_select(dim, tensor_of(index));)
}

srn_tensor srn_gather(srn_tensor t, int64_t dim, srn_tensor index) {
  SRN_TENSOR(return tensor_of(t).gather(dim, tensor_of(index));)
}

srn_tensor srn_scatter(srn_tensor t, int64_t dim, srn_tensor index, srn_tensor src) {
  SRN_TENSOR(return tensor_of(t).scatter(dim, tensor_of(index), tensor_of(src));)
}

srn_tensor srn_scatter_value(srn_tensor t, int64_t dim, srn_tensor index, srn_scalar value) {
  SRN_TENSOR(return tensor_of(t).scatter(dim, tensor_of(index), scalar_of(value));)
}

srn_tensor srn_scatter_add(srn_tensor t, int64_t dim, srn_tensor index, srn_tensor src) {
  SRN_TENSOR(return tensor_of(t).scatter_add(dim, tensor_of(index), tensor_of(src));)
}

srn_tensor srn_masked_fill(srn_tensor t, srn_tensor mask, srn_scalar value) {
  SRN_TENSOR(return tensor_of(t).masked_fill(bool_mask(mask), scalar_of(value));)
}

srn_tensor srn_masked_fill_tensor(srn_tensor t, srn_tensor mask, srn_tensor value) {
  SRN_TENSOR(return tensor_of(t).masked_fill(bool_mask(mask), tensor_of(value));)
}

srn_tensor srn_where(srn_tensor cond, srn_tensor x, srn_scalar xs, srn_tensor y, srn_scalar ys) {
  SRN_TENSOR(const auto& c = tensor_of(cond);
             if (x != nullptr && y != nullptr) return at::where(c, tensor_of(x), tensor_of(y));
             if (x != nullptr) return at::where(c, tensor_of(x), scalar_of(ys));
             if (y != nullptr) return at::where(c, scalar_of(xs), tensor_of(y));
             return at::where(c, scalar_of(xs), scalar_of(ys));)
}

srn_tensor srn_nonzero(srn_tensor t) { SRN_TENSOR(return tensor_of(t).nonzero();) }

srn_tensor_list srn_nonzero_tuple(srn_tensor t) { SRN_LIST(return tensor_of(t).nonzero_numpy();) }

}  // extern "C"
