#ifndef MTRL_CBLAS_SHIM_H
#define MTRL_CBLAS_SHIM_H
#include <cblas.h>

// OpenBLAS extensions declared in its cblas.h; re-exported under our prefix so
// call sites read the same whichever OpenBLAS build is installed.
static inline int mtrl_blas_threads(void) { return openblas_get_num_threads(); }
static inline void mtrl_blas_set_threads(int n) { openblas_set_num_threads(n); }
static inline char *mtrl_blas_corename(void) { return openblas_get_corename(); }
static inline char *mtrl_blas_config(void) { return openblas_get_config(); }

#endif
