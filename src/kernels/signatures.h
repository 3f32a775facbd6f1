// Kernel signatures, one per family (see the signatures_*.h files).
//
// Every kernel receives tensors that its op's front door has already validated, allocated
// and converted: kernels never check arguments, allocate tensors or record autograd.
#pragma once

#include "kernels/signatures_elementwise.h"
#include "kernels/signatures_nn.h"
#include "kernels/signatures_reduce.h"
#include "kernels/signatures_shape.h"
