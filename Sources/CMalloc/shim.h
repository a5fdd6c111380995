// glibc's allocator controls (malloc_trim), which Swift's Glibc module does not import.
#ifndef TICKLER_CMALLOC_SHIM_H
#define TICKLER_CMALLOC_SHIM_H

#include <malloc.h>

#endif
