// libcurl opened on first use (see CCurl.h): a table of its functions, filled once by dlsym, the
// version checked, and one forwarding wrapper per function. No other logic lives here.
#define CURL_DISABLE_TYPECHECK  // curl.h's type-checking macros would rewrite the calls below
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// Each function used, by its name after `curl_`. The table's types are the header's own
// (`__typeof__`), so a wrapper below that disagrees with curl.h fails to compile.
#define TICKLER_CURL_FUNCTIONS(X) \
    X(global_init)                \
    X(easy_init)                  \
    X(easy_cleanup)               \
    X(easy_perform)               \
    X(easy_send)                  \
    X(easy_recv)                  \
    X(easy_strerror)              \
    X(easy_header)                \
    X(easy_setopt)                \
    X(easy_getinfo)               \
    X(slist_append)               \
    X(slist_free_all)             \
    X(url)                        \
    X(url_cleanup)                \
    X(url_set)                    \
    X(url_get)                    \
    X(url_strerror)               \
    X(free)                       \
    X(version_info)

struct functions {
#define FIELD(name) __typeof__(curl_##name) *name;
    TICKLER_CURL_FUNCTIONS(FIELD)
#undef FIELD
};

/// Opens `library`, fills `functions` and checks the version; on failure writes why (and what to
/// install) to `error` and returns 0.
static int open_library(const char *library, struct functions *functions, char *error, size_t size) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(error, size, "cannot load %s (%s); install it: apt-get install libcurl4", library, dlerror());
        return 0;
    }
#define LOOK_UP(name)                                                                                  \
    *(void **)&functions->name = dlsym(handle, "curl_" #name);                                       \
    if (functions->name == NULL) {                                                                   \
        snprintf(error, size,                                                                        \
                 "cannot use %s: it has no curl_%s (libcurl " TICKLER_CURL_MINIMUM " or later is needed; " \
                 "apt-get install libcurl4)",                                                        \
                 library, #name);                                                                    \
        dlclose(handle);                                                                             \
        return 0;                                                                                    \
    }
    TICKLER_CURL_FUNCTIONS(LOOK_UP)
#undef LOOK_UP
    const curl_version_info_data *info = functions->version_info(CURLVERSION_NOW);
    if (info == NULL || info->version_num < TICKLER_CURL_MINIMUM_NUM) {
        snprintf(error, size,
                 "cannot use %s: it is libcurl %s, older than " TICKLER_CURL_MINIMUM
                 ", which the options Tickler sets need (CURLOPT_PROTOCOLS_STR); install a newer one: "
                 "apt-get install libcurl4",
                 library, info != NULL && info->version != NULL ? info->version : "of an unknown version");
        dlclose(handle);
        return 0;
    }
    return 1;
}

static struct functions curl;
static char load_error[512];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    if (!open_library(TICKLER_CURL_LIBRARY, &curl, load_error, sizeof load_error)) memset(&curl, 0, sizeof curl);
}

const char *tickler_curl_load_error(void) {
    pthread_once(&load_once, load);
    return load_error[0] != '\0' ? load_error : NULL;
}

int tickler_curl_probe(const char *library, char *error, size_t size) {
    struct functions functions;
    return open_library(library, &functions, error, size);
}

#define LOADED (tickler_curl_load_error() == NULL)

CURLcode tickler_curl_global_init(long flags) { return LOADED ? curl.global_init(flags) : CURLE_FAILED_INIT; }
CURL *tickler_curl_easy_init(void) { return LOADED ? curl.easy_init() : NULL; }
void tickler_curl_easy_cleanup(CURL *handle) {
    if (LOADED) curl.easy_cleanup(handle);
}
CURLcode tickler_curl_easy_perform(CURL *handle) { return LOADED ? curl.easy_perform(handle) : CURLE_FAILED_INIT; }
CURLcode tickler_curl_easy_send(CURL *handle, const void *buffer, size_t length, size_t *sent) {
    return LOADED ? curl.easy_send(handle, buffer, length, sent) : CURLE_FAILED_INIT;
}
CURLcode tickler_curl_easy_recv(CURL *handle, void *buffer, size_t length, size_t *received) {
    return LOADED ? curl.easy_recv(handle, buffer, length, received) : CURLE_FAILED_INIT;
}
const char *tickler_curl_easy_strerror(CURLcode code) {
    return LOADED ? curl.easy_strerror(code) : "libcurl could not be loaded";
}
CURLHcode tickler_curl_easy_header(
    CURL *handle, const char *name, size_t index, unsigned int origin, int request, struct curl_header **header) {
    return LOADED ? curl.easy_header(handle, name, index, origin, request, header) : CURLHE_NOT_BUILT_IN;
}
struct curl_slist *tickler_curl_slist_append(struct curl_slist *list, const char *value) {
    return LOADED ? curl.slist_append(list, value) : NULL;
}
void tickler_curl_slist_free_all(struct curl_slist *list) {
    if (LOADED) curl.slist_free_all(list);
}
CURLU *tickler_curl_url(void) { return LOADED ? curl.url() : NULL; }
void tickler_curl_url_cleanup(CURLU *url) {
    if (LOADED) curl.url_cleanup(url);
}
CURLUcode tickler_curl_url_set(CURLU *url, CURLUPart part, const char *content, unsigned int flags) {
    return LOADED ? curl.url_set(url, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}
CURLUcode tickler_curl_url_get(CURLU *url, CURLUPart part, char **content, unsigned int flags) {
    return LOADED ? curl.url_get(url, part, content, flags) : CURLUE_OUT_OF_MEMORY;
}
const char *tickler_curl_url_strerror(CURLUcode code) {
    return LOADED ? curl.url_strerror(code) : "libcurl could not be loaded";
}
void tickler_curl_free(void *pointer) {
    if (LOADED) curl.free(pointer);
}
curl_version_info_data *tickler_curl_version_info(void) {
    return LOADED ? curl.version_info(CURLVERSION_NOW) : NULL;
}

#define SETOPT(suffix, type)                                                                  \
    CURLcode tickler_curl_easy_setopt_##suffix(CURL *handle, CURLoption option, type value) { \
        return LOADED ? curl.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;          \
    }
SETOPT(long, long)
SETOPT(string, const char *)
SETOPT(pointer, void *)
SETOPT(bytes, const void *)
SETOPT(slist, struct curl_slist *)
SETOPT(off_t, curl_off_t)
SETOPT(write_callback, curl_write_callback)
SETOPT(debug_callback, curl_debug_callback)

#define GETINFO(suffix, type)                                                                 \
    CURLcode tickler_curl_easy_getinfo_##suffix(CURL *handle, CURLINFO info, type *value) { \
        return LOADED ? curl.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;         \
    }
GETINFO(off_t, curl_off_t)
GETINFO(long, long)
GETINFO(socket, curl_socket_t)
