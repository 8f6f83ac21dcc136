/*
 * Optional compiled kernels for dataops.anonymize (see speedups.py).
 *
 * Every function here gives byte-identical results to the pure-Python path it
 * replaces, or returns None to decline (the caller then takes the Python path),
 * so the output never depends on whether this module was built.
 *
 * BLAKE2b is implemented from RFC 7693 (unkeyed mode, digest size 1..64, as
 * hashlib.blake2b(prefix + value, digest_size=n)).  Words are read and written
 * byte by byte in little-endian order, and digests are turned into integers
 * big-endian, as int.from_bytes(digest, "big") does: no dependence on the
 * machine's byte order.
 *
 * Column kernels take COPY text fields (still escaped): a field that is exactly
 * \N (NULL) gives \N; any other field holding a backslash makes the kernel
 * decline the whole column block (the per-value Python path unescapes it).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------ BLAKE2b */

typedef struct {
    uint8_t b[128];
    uint64_t h[8];
    uint64_t t[2];
    size_t c;
    size_t outlen;
} b2b_ctx;

static const uint64_t b2b_iv[8] = {
    0x6A09E667F3BCC908ULL, 0xBB67AE8584CAA73BULL, 0x3C6EF372FE94F82BULL,
    0xA54FF53A5F1D36F1ULL, 0x510E527FADE682D1ULL, 0x9B05688C2B3E6C1FULL,
    0x1F83D9ABFB41BD6BULL, 0x5BE0CD19137E2179ULL};

static const uint8_t b2b_sigma[12][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}};

#define ROTR64(x, y) (((x) >> (y)) ^ ((x) << (64 - (y))))

#define B2B_G(a, b, c, d, x, y)        \
    do {                               \
        v[a] = v[a] + v[b] + (x);      \
        v[d] = ROTR64(v[d] ^ v[a], 32); \
        v[c] = v[c] + v[d];            \
        v[b] = ROTR64(v[b] ^ v[c], 24); \
        v[a] = v[a] + v[b] + (y);      \
        v[d] = ROTR64(v[d] ^ v[a], 16); \
        v[c] = v[c] + v[d];            \
        v[b] = ROTR64(v[b] ^ v[c], 63); \
    } while (0)

static inline uint64_t load64_le(const uint8_t *p) {
    return ((uint64_t)p[0]) ^ ((uint64_t)p[1] << 8) ^ ((uint64_t)p[2] << 16) ^
           ((uint64_t)p[3] << 24) ^ ((uint64_t)p[4] << 32) ^ ((uint64_t)p[5] << 40) ^
           ((uint64_t)p[6] << 48) ^ ((uint64_t)p[7] << 56);
}

/* One compression of the 16 message words m into h (t: bytes so far, last: final block).
 * The 12 rounds are unrolled with constant sigma indexes, so the compiler keeps the
 * message words in registers instead of indexing through the sigma table. */
#define B2B_ROUND(r)                                                         \
    do {                                                                     \
        B2B_G(0, 4, 8, 12, m[b2b_sigma[r][0]], m[b2b_sigma[r][1]]);          \
        B2B_G(1, 5, 9, 13, m[b2b_sigma[r][2]], m[b2b_sigma[r][3]]);          \
        B2B_G(2, 6, 10, 14, m[b2b_sigma[r][4]], m[b2b_sigma[r][5]]);         \
        B2B_G(3, 7, 11, 15, m[b2b_sigma[r][6]], m[b2b_sigma[r][7]]);         \
        B2B_G(0, 5, 10, 15, m[b2b_sigma[r][8]], m[b2b_sigma[r][9]]);         \
        B2B_G(1, 6, 11, 12, m[b2b_sigma[r][10]], m[b2b_sigma[r][11]]);       \
        B2B_G(2, 7, 8, 13, m[b2b_sigma[r][12]], m[b2b_sigma[r][13]]);        \
        B2B_G(3, 4, 9, 14, m[b2b_sigma[r][14]], m[b2b_sigma[r][15]]);        \
    } while (0)

static void b2b_compress_words(uint64_t h[8], const uint64_t m[16], uint64_t t0, uint64_t t1,
                               int last) {
    uint64_t v[16];
    int i;
    for (i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = b2b_iv[i];
    }
    v[12] ^= t0;
    v[13] ^= t1;
    if (last) v[14] = ~v[14];
    B2B_ROUND(0);
    B2B_ROUND(1);
    B2B_ROUND(2);
    B2B_ROUND(3);
    B2B_ROUND(4);
    B2B_ROUND(5);
    B2B_ROUND(6);
    B2B_ROUND(7);
    B2B_ROUND(8);
    B2B_ROUND(9);
    B2B_ROUND(10);
    B2B_ROUND(11);
    for (i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static void b2b_compress(b2b_ctx *ctx, int last) {
    uint64_t m[16];
    int i;
    for (i = 0; i < 16; i++) m[i] = load64_le(&ctx->b[8 * i]);
    b2b_compress_words(ctx->h, m, ctx->t[0], ctx->t[1], last);
}

static void b2b_init(b2b_ctx *ctx, size_t outlen) {
    int i;
    for (i = 0; i < 8; i++) ctx->h[i] = b2b_iv[i];
    ctx->h[0] ^= 0x01010000ULL ^ (uint64_t)outlen;
    ctx->t[0] = 0;
    ctx->t[1] = 0;
    ctx->c = 0;
    ctx->outlen = outlen;
}

static void b2b_update(b2b_ctx *ctx, const uint8_t *in, size_t inlen) {
    while (inlen > 0) {
        size_t room;
        if (ctx->c == 128) { /* a full block is compressed only when more data follows */
            ctx->t[0] += 128;
            if (ctx->t[0] < 128) ctx->t[1]++;
            b2b_compress(ctx, 0);
            ctx->c = 0;
        }
        room = 128 - ctx->c;
        if (room > inlen) room = inlen;
        memcpy(ctx->b + ctx->c, in, room);
        ctx->c += room;
        in += room;
        inlen -= room;
    }
}

static void b2b_final(b2b_ctx *ctx, uint8_t *out) {
    size_t i;
    ctx->t[0] += ctx->c;
    if (ctx->t[0] < ctx->c) ctx->t[1]++;
    memset(ctx->b + ctx->c, 0, 128 - ctx->c);
    b2b_compress(ctx, 1);
    for (i = 0; i < ctx->outlen; i++) out[i] = (uint8_t)((ctx->h[i >> 3] >> (8 * (i & 7))) & 0xFF);
}

/* BLAKE2b(prefix || value) with outlen bytes into out. */
static void b2b_prefixed(const uint8_t *prefix, size_t plen, const uint8_t *value, size_t vlen,
                         size_t outlen, uint8_t *out) {
    b2b_ctx ctx;
    b2b_init(&ctx, outlen);
    b2b_update(&ctx, prefix, plen);
    b2b_update(&ctx, value, vlen);
    b2b_final(&ctx, out);
}

/* BLAKE2b(key || value) for a 64-byte key given as its 8 little-endian message words and
 * a value of at most 64 bytes: key and value fill one block, so one compression, as
 * b2b_prefixed gives for the same bytes (a full block is compressed only when more
 * data follows, so 64 + 64 bytes are still the single, last block). */
static void b2b_key64(const uint64_t km[8], const uint8_t *value, size_t vlen, size_t outlen,
                      uint8_t *out) {
    uint64_t m[16], h[8];
    uint8_t tail[64];
    size_t i;
    memset(tail, 0, sizeof tail);
    memcpy(tail, value, vlen);
    for (i = 0; i < 8; i++) {
        m[i] = km[i];
        m[i + 8] = load64_le(tail + 8 * i);
        h[i] = b2b_iv[i];
    }
    h[0] ^= 0x01010000ULL ^ (uint64_t)outlen;
    b2b_compress_words(h, m, 64 + (uint64_t)vlen, 0, 1);
    for (i = 0; i < outlen; i++) out[i] = (uint8_t)((h[i >> 3] >> (8 * (i & 7))) & 0xFF);
}

static uint64_t be_uint(const uint8_t *d, size_t n) {
    uint64_t x = 0;
    size_t i;
    for (i = 0; i < n; i++) x = (x << 8) | d[i];
    return x;
}

static const char hexdigits[] = "0123456789abcdef";

/* ------------------------------------------------------------ helpers */

/* 1: NULL field (exactly \N), 0: plain field, -1: field with other escapes (decline) */
static int field_kind(const char *s, Py_ssize_t n) {
    if (memchr(s, '\\', (size_t)n) == NULL) return 0;
    if (n == 2 && s[0] == '\\' && s[1] == 'N') return 1;
    return -1;
}

static int check_digest_size(Py_ssize_t size, Py_ssize_t hi) {
    if (size < 1 || size > hi) {
        PyErr_Format(PyExc_ValueError, "digest size must be 1..%zd", hi);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------ column ops
 *
 * An op is one column transform as a C function of one COPY field (escaped bytes):
 * op_apply writes the output field and returns its length, or -1 to decline the value
 * (escapes, or a value the Python path rejects or treats specially); the caller then
 * uses the op's Python fallback for that value.  A NULL field (\N) gives \N.  Ops are
 * described from Python by a tuple (see speedups.py, FieldKernel.op):
 *
 *   ("pool", prefix, size, pool)           pool[int(blake2b(prefix + v, size)) % len(pool)]
 *   ("hex", prefix, size, length, out)     out + blake2b(prefix + v, size).hexdigest()[:length]
 *   ("email", prefix, names, tag, at)      names[int(d[14:16]) % n] + hex(d[:tag]) + at, d 16 B
 *   ("mask", first, last, char)            ASCII: keep first/last bytes, char for the rest
 *   ("date", prefix, max_days)             date_shift's day arithmetic
 *   ("int", prefixes, bits)                tokenize's Feistel permutation of int2/4/8
 *   ("null",)                              always \N
 */

enum { OP_POOL = 1, OP_HEX, OP_EMAIL, OP_MASK, OP_DATE, OP_INT, OP_NULL };

typedef struct {
    int kind;
    PyObject *refs;       /* a tuple keeping every object the pointers below point into */
    const uint8_t *prefix; /* into a bytes object of refs */
    size_t plen;
    uint64_t km[8]; /* the prefix as message words when plen == 64 (one-block fast path) */
    Py_ssize_t size, length, tag, first, last, max_days, bits;
    char ch;
    const char *extra; /* out prefix (hex), "@domain" (email) */
    Py_ssize_t elen;
    Py_ssize_t nitems, maxitem; /* pool items (pool) or names (email) */
    const char **items;
    Py_ssize_t *ilens;
    const uint8_t *pre[10]; /* round prefixes (int) */
    size_t prl[10];
} Op;

static void op_clear(Op *op) {
    PyMem_Free(op->items);
    PyMem_Free(op->ilens);
    op->items = NULL;
    op->ilens = NULL;
    Py_CLEAR(op->refs);
}

static int set_prefix(Op *op, PyObject *b) {
    size_t i;
    if (!PyBytes_Check(b)) {
        PyErr_SetString(PyExc_TypeError, "op prefix must be bytes");
        return -1;
    }
    op->prefix = (const uint8_t *)PyBytes_AS_STRING(b);
    op->plen = (size_t)PyBytes_GET_SIZE(b);
    if (op->plen == 64)
        for (i = 0; i < 8; i++) op->km[i] = load64_le(op->prefix + 8 * i);
    return 0;
}

static int set_items(Op *op, PyObject *seq) {
    Py_ssize_t i, n = PyTuple_GET_SIZE(seq);
    if (n < 1) {
        PyErr_SetString(PyExc_ValueError, "empty pool");
        return -1;
    }
    op->items = PyMem_Calloc((size_t)n, sizeof(char *));
    op->ilens = PyMem_Calloc((size_t)n, sizeof(Py_ssize_t));
    if (op->items == NULL || op->ilens == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    op->nitems = n;
    op->maxitem = 0;
    for (i = 0; i < n; i++) {
        PyObject *o = PyTuple_GET_ITEM(seq, i);
        if (!PyBytes_Check(o)) {
            PyErr_SetString(PyExc_TypeError, "pool items must be bytes");
            return -1;
        }
        op->items[i] = PyBytes_AS_STRING(o);
        op->ilens[i] = PyBytes_GET_SIZE(o);
        if (op->ilens[i] > op->maxitem) op->maxitem = op->ilens[i];
    }
    return 0;
}

/* Fill ``op`` from its Python description; -1 with an exception set. */
static int op_parse(Op *op, PyObject *desc) {
    PyObject *t, *name;
    const char *kind;
    memset(op, 0, sizeof *op);
    if (!PyTuple_Check(desc) || PyTuple_GET_SIZE(desc) < 1) {
        PyErr_SetString(PyExc_TypeError, "an op is a tuple (kind, ...)");
        return -1;
    }
    /* a copy whose sequences are tuples (immutable): the pointers into them stay valid */
    t = PyTuple_New(PyTuple_GET_SIZE(desc));
    if (t == NULL) return -1;
    op->refs = t;
    {
        Py_ssize_t i;
        for (i = 0; i < PyTuple_GET_SIZE(desc); i++) {
            PyObject *o = PyTuple_GET_ITEM(desc, i);
            if (PyList_Check(o) || PyTuple_Check(o)) {
                o = PySequence_Tuple(o);
                if (o == NULL) return -1;
            } else {
                Py_INCREF(o);
            }
            PyTuple_SET_ITEM(t, i, o);
        }
    }
    name = PyTuple_GET_ITEM(t, 0);
    kind = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    if (kind == NULL) {
        PyErr_SetString(PyExc_TypeError, "op kind must be a str");
        return -1;
    }
    {
        PyObject *args = PyTuple_GetSlice(t, 1, PyTuple_GET_SIZE(t)), *a = NULL, *b = NULL;
        int ok = 0;
        if (args == NULL) return -1;
        if (strcmp(kind, "pool") == 0) {
            op->kind = OP_POOL;
            ok = PyArg_ParseTuple(args, "SnO!:pool", &a, &op->size, &PyTuple_Type, &b) &&
                 check_digest_size(op->size, 8) == 0 && set_prefix(op, a) == 0 &&
                 set_items(op, b) == 0;
        } else if (strcmp(kind, "hex") == 0) {
            op->kind = OP_HEX;
            ok = PyArg_ParseTuple(args, "SnnS:hex", &a, &op->size, &op->length, &b) &&
                 check_digest_size(op->size, 64) == 0 && set_prefix(op, a) == 0;
            if (ok && (op->length < 0 || op->length > 2 * op->size)) {
                PyErr_SetString(PyExc_ValueError, "length must be 0..2*size");
                ok = 0;
            }
            if (ok) {
                op->extra = PyBytes_AS_STRING(b);
                op->elen = PyBytes_GET_SIZE(b);
            }
        } else if (strcmp(kind, "email") == 0) {
            op->kind = OP_EMAIL;
            ok = PyArg_ParseTuple(args, "SO!nS:email", &a, &PyTuple_Type, &b, &op->tag, &name) &&
                 set_prefix(op, a) == 0 && set_items(op, b) == 0;
            if (ok && (op->tag < 0 || op->tag > 14)) {
                PyErr_SetString(PyExc_ValueError, "email: bad tag size");
                ok = 0;
            }
            if (ok) {
                op->extra = PyBytes_AS_STRING(name);
                op->elen = PyBytes_GET_SIZE(name);
            }
        } else if (strcmp(kind, "mask") == 0) {
            op->kind = OP_MASK;
            ok = PyArg_ParseTuple(args, "nnc:mask", &op->first, &op->last, &op->ch);
            if (ok && (op->first < 0 || op->last < 0)) {
                PyErr_SetString(PyExc_ValueError, "mask: negative keep");
                ok = 0;
            }
        } else if (strcmp(kind, "date") == 0) {
            op->kind = OP_DATE;
            ok = PyArg_ParseTuple(args, "Sn:date", &a, &op->max_days) && set_prefix(op, a) == 0;
            if (ok && (op->max_days < 1 || op->max_days > 100000000)) {
                PyErr_SetString(PyExc_ValueError, "max_days out of range");
                ok = 0;
            }
        } else if (strcmp(kind, "int") == 0) {
            op->kind = OP_INT;
            ok = PyArg_ParseTuple(args, "O!n:int", &PyTuple_Type, &b, &op->bits);
            if (ok && op->bits != 16 && op->bits != 32 && op->bits != 64) {
                PyErr_SetString(PyExc_ValueError, "bits must be 16, 32 or 64");
                ok = 0;
            }
            if (ok && PyTuple_GET_SIZE(b) != 10) {
                PyErr_SetString(PyExc_ValueError, "10 round prefixes expected");
                ok = 0;
            }
            if (ok) {
                Py_ssize_t r;
                for (r = 0; r < 10; r++) {
                    PyObject *o = PyTuple_GET_ITEM(b, r);
                    if (!PyBytes_Check(o)) {
                        PyErr_SetString(PyExc_TypeError, "prefixes must be bytes");
                        ok = 0;
                        break;
                    }
                    op->pre[r] = (const uint8_t *)PyBytes_AS_STRING(o);
                    op->prl[r] = (size_t)PyBytes_GET_SIZE(o);
                }
            }
        } else if (strcmp(kind, "null") == 0) {
            op->kind = OP_NULL;
            ok = PyArg_ParseTuple(args, ":null");
        } else {
            PyErr_Format(PyExc_ValueError, "unknown op kind %s", kind);
        }
        Py_DECREF(args);
        return ok ? 0 : -1;
    }
}

/* The largest output of ``op`` for an input field of ``len`` bytes. */
static Py_ssize_t op_bound(const Op *op, Py_ssize_t len) {
    switch (op->kind) {
    case OP_POOL:
        return op->maxitem > 2 ? op->maxitem : 2;
    case OP_HEX:
        return op->elen + op->length + 2;
    case OP_EMAIL:
        return op->maxitem + 2 * op->tag + op->elen + 2;
    case OP_MASK:
        return len + 2;
    case OP_DATE:
        return len + 12;
    case OP_INT:
        return 24;
    default:
        return 2;
    }
}

static inline void op_hash(const Op *op, const char *s, Py_ssize_t len, size_t outlen,
                           uint8_t *d) {
    if (op->plen == 64 && len <= 64)
        b2b_key64(op->km, (const uint8_t *)s, (size_t)len, outlen, d);
    else
        b2b_prefixed(op->prefix, op->plen, (const uint8_t *)s, (size_t)len, outlen, d);
}

/* date_shift ----------------------------------------------------------- */

static int is_leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static const int days_in_month_tbl[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

static int days_in_month(long y, int m) { return (m == 2 && is_leap(y)) ? 29 : days_in_month_tbl[m]; }

/* proleptic Gregorian ordinal, 0001-01-01 = 1 (as datetime.date.toordinal) */
static long to_ordinal(long y, int m, int d) {
    long y1 = y - 1, days = y1 * 365 + y1 / 4 - y1 / 100 + y1 / 400;
    int k;
    for (k = 1; k < m; k++) days += days_in_month(y, k);
    return days + d;
}

static void from_ordinal(long n, long *y, int *m, int *d) {
    /* n in 1..3652059; walk by 400/100/4/1-year cycles (as CPython's ord_to_ymd) */
    long n400, n100, n4, n1, year;
    int month;
    n -= 1;
    n400 = n / 146097;
    n %= 146097;
    year = n400 * 400 + 1;
    n100 = n / 36524;
    n %= 36524;
    n4 = n / 1461;
    n %= 1461;
    n1 = n / 365;
    n %= 365;
    year += n100 * 100 + n4 * 4 + n1;
    if (n1 == 4 || n100 == 4) {
        *y = year - 1;
        *m = 12;
        *d = 31;
        return;
    }
    month = 1;
    while (n >= days_in_month(year, month)) {
        n -= days_in_month(year, month);
        month++;
    }
    *y = year;
    *m = month;
    *d = (int)n + 1;
}

#define MAX_ORDINAL 3652059L /* 9999-12-31 */

/* ^(\d{4,})-(\d\d)-(\d\d) as a valid date of years 1..9999: 0, else -1 (the Python path). */
static int date_parse(const char *s, Py_ssize_t len, long *year, int *mo, int *dd,
                      Py_ssize_t *end) {
    Py_ssize_t yd = 0, k;
    long y = 0;
    while (yd < len && s[yd] >= '0' && s[yd] <= '9') {
        if (y < 100000) y = y * 10 + (s[yd] - '0'); /* else: not 1..9999 */
        yd++;
    }
    if (yd < 4) return -1;
    *end = yd + 6;
    if (len < *end || s[yd] != '-' || s[yd + 3] != '-') return -1;
    for (k = yd + 1; k < *end; k++) {
        if (k == yd + 3) continue;
        if (s[k] < '0' || s[k] > '9') return -1;
    }
    *mo = (s[yd + 1] - '0') * 10 + (s[yd + 2] - '0');
    *dd = (s[yd + 4] - '0') * 10 + (s[yd + 5] - '0');
    if (y < 1 || y > 9999 || *mo < 1 || *mo > 12 || *dd < 1 || *dd > days_in_month(y, *mo))
        return -1;
    *year = y;
    return 0;
}

/* date_shift of a valid date with the 8-byte digest dg of the field. */
static Py_ssize_t date_finish(const Op *op, const char *s, Py_ssize_t len, const uint8_t *dg,
                              char *w) {
    Py_ssize_t end;
    int mo, dd, bc, nm, nd;
    long year, ord, shifted, days, ny;
    uint64_t r, max_days = (uint64_t)op->max_days;
    if (date_parse(s, len, &year, &mo, &dd, &end) < 0) return -1;
    r = be_uint(dg, 8) % (2 * max_days);
    days = (r < max_days) ? (long)r - (long)max_days : (long)r - (long)max_days + 1;
    bc = len >= 3 && memcmp(s + len - 3, " BC", 3) == 0;
    if (bc) days = -days;
    ord = to_ordinal(year, mo, dd);
    shifted = ord + days;
    if (shifted < 1 || shifted > MAX_ORDINAL) shifted = ord - days;
    if (shifted < 1 || shifted > MAX_ORDINAL) return -1;
    from_ordinal(shifted, &ny, &nm, &nd);
    w[0] = (char)('0' + ny / 1000);
    w[1] = (char)('0' + ny / 100 % 10);
    w[2] = (char)('0' + ny / 10 % 10);
    w[3] = (char)('0' + ny % 10);
    w[4] = '-';
    w[5] = (char)('0' + nm / 10);
    w[6] = (char)('0' + nm % 10);
    w[7] = '-';
    w[8] = (char)('0' + nd / 10);
    w[9] = (char)('0' + nd % 10);
    memcpy(w + 10, s + end, (size_t)(len - end));
    return 10 + (len - end);
}

/* int_permute: the Feistel permutation of fpe.Permutation for n = 2**bits (bits 16, 32 or
 * 64: the whole range of smallint / integer / bigint, so halves of bits/2 and no
 * cycle-walking): x - lo as an unsigned value, 10 rounds ``a, b = b, a ^ (int(blake2b(
 * prefix_i + b)) & mask)`` with b as bits/16 big-endian bytes, then + lo.  A field that is
 * not a canonical decimal integer of the type declines (the Python path reports it). */
static int parse_int64(const char *s, Py_ssize_t n, int64_t *out) {
    Py_ssize_t i = 0;
    int neg = 0;
    uint64_t acc = 0, limit;
    if (n < 1 || n > 20) return -1;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i >= n) return -1;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        if (acc > (limit - (uint64_t)(s[i] - '0')) / 10) return -1;
        acc = acc * 10 + (uint64_t)(s[i] - '0');
    }
    if (neg && acc == 0) return -1; /* "-0": not how PostgreSQL writes it */
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
}

static Py_ssize_t op_int(const Op *op, const char *s, Py_ssize_t len, char *w) {
    const unsigned bits = (unsigned)op->bits, half = bits / 2, nbytes = bits / 16;
    const uint64_t hmask = (half == 32) ? 0xFFFFFFFFULL : ((1ULL << half) - 1);
    const uint64_t offset = 1ULL << (bits - 1); /* -lo */
    const int64_t lo = (bits == 64) ? INT64_MIN : -(int64_t)offset;
    const int64_t hi = (bits == 64) ? INT64_MAX : (int64_t)offset - 1;
    int64_t x;
    uint64_t ux, a, b, t, y;
    uint8_t in[4], d[4];
    char text[24];
    unsigned k;
    int r, n;
    if (parse_int64(s, len, &x) < 0 || x < lo || x > hi) return -1;
    ux = (uint64_t)x + offset; /* mod 2**64: x - lo */
    if (bits < 64) ux &= (offset << 1) - 1;
    a = ux >> half;
    b = ux & hmask;
    for (r = 0; r < 10; r++) {
        for (k = 0; k < nbytes; k++) in[k] = (uint8_t)(b >> (8 * (nbytes - 1 - k)));
        b2b_prefixed(op->pre[r], op->prl[r], in, nbytes, nbytes, d);
        t = b;
        b = a ^ (be_uint(d, nbytes) & hmask);
        a = t;
    }
    y = (a << half) | b;
    if (bits == 64)
        x = (int64_t)(y - offset); /* + lo, modulo 2**64 (two's complement) */
    else
        x = (int64_t)y - (int64_t)offset;
    n = snprintf(text, sizeof text, "%lld", (long long)x);
    memcpy(w, text, (size_t)n);
    return n;
}

static int op_hashes(const Op *op) {
    return op->kind == OP_POOL || op->kind == OP_HEX || op->kind == OP_EMAIL ||
           op->kind == OP_DATE;
}

/* The digest size an op hashes its fields to. */
static size_t op_dsize(const Op *op) {
    switch (op->kind) {
    case OP_EMAIL:
        return 16;
    case OP_DATE:
        return 8;
    default:
        return (size_t)op->size;
    }
}

/* The first half of an op on the field s[0:len]: -1 declines the value; 0: the output is
 * written to w (op_bound(op, len) bytes of room), its length in *n; 1: the op needs the
 * field's digest (op_dsize bytes of BLAKE2b(prefix + field)), then op_finish. */
static int op_begin(const Op *op, const char *s, Py_ssize_t len, char *w, Py_ssize_t *n) {
    int kind;
    if (op->kind == OP_NULL) {
        w[0] = '\\';
        w[1] = 'N';
        *n = 2;
        return 0;
    }
    kind = field_kind(s, len);
    if (kind < 0) return -1;
    if (kind == 1) {
        w[0] = '\\';
        w[1] = 'N';
        *n = 2;
        return 0;
    }
    switch (op->kind) {
    case OP_MASK: {
        Py_ssize_t k, kf, kl;
        for (k = 0; k < len; k++)
            if ((unsigned char)s[k] >= 0x80) return -1; /* characters: the Python path */
        kf = op->first < len ? op->first : len;
        kl = op->last < len - kf ? op->last : len - kf;
        memcpy(w, s, (size_t)kf);
        memset(w + kf, op->ch, (size_t)(len - kf - kl));
        memcpy(w + len - kl, s + len - kl, (size_t)kl);
        *n = len;
        return 0;
    }
    case OP_INT:
        *n = op_int(op, s, len, w);
        return *n < 0 ? -1 : 0;
    case OP_DATE: {
        long year;
        int mo, dd;
        Py_ssize_t end;
        if ((len == 8 && memcmp(s, "infinity", 8) == 0) ||
            (len == 9 && memcmp(s, "-infinity", 9) == 0)) {
            memcpy(w, s, (size_t)len);
            *n = len;
            return 0;
        }
        return date_parse(s, len, &year, &mo, &dd, &end) < 0 ? -1 : 1;
    }
    default:
        return 1;
    }
}

/* two hex digits per byte value */
static char hexpairs[512];

static void init_hexpairs(void) {
    int i;
    for (i = 0; i < 256; i++) {
        hexpairs[2 * i] = hexdigits[i >> 4];
        hexpairs[2 * i + 1] = hexdigits[i & 0xF];
    }
}

/* The second half: the output from the digest d; its length, or -1 to decline. */
static Py_ssize_t op_finish(const Op *op, const char *s, Py_ssize_t len, const uint8_t *d,
                            char *w) {
    Py_ssize_t k;
    switch (op->kind) {
    case OP_POOL:
        k = (Py_ssize_t)(be_uint(d, (size_t)op->size) % (uint64_t)op->nitems);
        memcpy(w, op->items[k], (size_t)op->ilens[k]);
        return op->ilens[k];
    case OP_HEX:
        memcpy(w, op->extra, (size_t)op->elen);
        w += op->elen;
        for (k = 0; k + 1 < op->length; k += 2) memcpy(w + k, hexpairs + 2 * d[k >> 1], 2);
        if (k < op->length) w[k] = hexdigits[d[k >> 1] >> 4];
        return op->elen + op->length;
    case OP_EMAIL: {
        Py_ssize_t at = (Py_ssize_t)(be_uint(d + 14, 2) % (uint64_t)op->nitems);
        Py_ssize_t nlen = op->ilens[at];
        memcpy(w, op->items[at], (size_t)nlen);
        for (k = 0; k < op->tag; k++) memcpy(w + nlen + 2 * k, hexpairs + 2 * d[k], 2);
        memcpy(w + nlen + 2 * op->tag, op->extra, (size_t)op->elen);
        return nlen + 2 * op->tag + op->elen;
    }
    case OP_DATE:
        return date_finish(op, s, len, d, w);
    default:
        return -1;
    }
}

/* ------------------------------------------------------------ BLAKE2b, 4 at a time
 *
 * Four independent one-block hashes (a 64-byte key and values of at most 64 bytes, as
 * b2b_key64) in the four 64-bit lanes of AVX2 registers: the same arithmetic on each
 * lane, so the same digests, about four times fewer instructions.  Chosen at run time
 * (CPUID); elsewhere b2b_key64 does them one by one. */

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X4 1
#include <immintrin.h>

#define X4_ROT32(x) _mm256_shuffle_epi32((x), _MM_SHUFFLE(2, 3, 0, 1))
#define X4_ROT24(x) _mm256_shuffle_epi8((x), r24)
#define X4_ROT16(x) _mm256_shuffle_epi8((x), r16)
#define X4_ROT63(x) _mm256_or_si256(_mm256_srli_epi64((x), 63), _mm256_add_epi64((x), (x)))

#define X4_G(a, b, c, d, x, y)                                              \
    do {                                                                    \
        v[a] = _mm256_add_epi64(_mm256_add_epi64(v[a], v[b]), (x));         \
        v[d] = X4_ROT32(_mm256_xor_si256(v[d], v[a]));                      \
        v[c] = _mm256_add_epi64(v[c], v[d]);                                \
        v[b] = X4_ROT24(_mm256_xor_si256(v[b], v[c]));                      \
        v[a] = _mm256_add_epi64(_mm256_add_epi64(v[a], v[b]), (y));         \
        v[d] = X4_ROT16(_mm256_xor_si256(v[d], v[a]));                      \
        v[c] = _mm256_add_epi64(v[c], v[d]);                                \
        v[b] = X4_ROT63(_mm256_xor_si256(v[b], v[c]));                      \
    } while (0)

#define X4_ROUND(r)                                                         \
    do {                                                                    \
        X4_G(0, 4, 8, 12, m[b2b_sigma[r][0]], m[b2b_sigma[r][1]]);          \
        X4_G(1, 5, 9, 13, m[b2b_sigma[r][2]], m[b2b_sigma[r][3]]);          \
        X4_G(2, 6, 10, 14, m[b2b_sigma[r][4]], m[b2b_sigma[r][5]]);         \
        X4_G(3, 7, 11, 15, m[b2b_sigma[r][6]], m[b2b_sigma[r][7]]);         \
        X4_G(0, 5, 10, 15, m[b2b_sigma[r][8]], m[b2b_sigma[r][9]]);         \
        X4_G(1, 6, 11, 12, m[b2b_sigma[r][10]], m[b2b_sigma[r][11]]);       \
        X4_G(2, 7, 8, 13, m[b2b_sigma[r][12]], m[b2b_sigma[r][13]]);        \
        X4_G(3, 4, 9, 14, m[b2b_sigma[r][14]], m[b2b_sigma[r][15]]);        \
    } while (0)

__attribute__((target("avx2"))) static void b2b_key64_x4(const uint64_t km[8],
                                                          const uint8_t *const val[4],
                                                          const size_t vlen[4], size_t outlen,
                                                          uint8_t out[4][64]) {
    __m256i v[16], m[16];
    const __m256i r24 = _mm256_setr_epi8(3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10,
                                         3, 4, 5, 6, 7, 0, 1, 2, 11, 12, 13, 14, 15, 8, 9, 10);
    const __m256i r16 = _mm256_setr_epi8(2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9,
                                         2, 3, 4, 5, 6, 7, 0, 1, 10, 11, 12, 13, 14, 15, 8, 9);
    uint64_t h0[8], words[4][8], res[8][4];
    uint8_t tail[64];
    int i, l;
    size_t k;
    for (l = 0; l < 4; l++) {
        memset(tail, 0, sizeof tail);
        memcpy(tail, val[l], vlen[l]);
        for (i = 0; i < 8; i++) words[l][i] = load64_le(tail + 8 * i);
    }
    for (i = 0; i < 8; i++) {
        h0[i] = b2b_iv[i];
        m[i] = _mm256_set1_epi64x((long long)km[i]);
        m[i + 8] = _mm256_setr_epi64x((long long)words[0][i], (long long)words[1][i],
                                      (long long)words[2][i], (long long)words[3][i]);
    }
    h0[0] ^= 0x01010000ULL ^ (uint64_t)outlen;
    for (i = 0; i < 8; i++) {
        v[i] = _mm256_set1_epi64x((long long)h0[i]);
        v[i + 8] = _mm256_set1_epi64x((long long)b2b_iv[i]);
    }
    v[12] = _mm256_xor_si256(v[12], _mm256_setr_epi64x((long long)(64 + vlen[0]),
                                                       (long long)(64 + vlen[1]),
                                                       (long long)(64 + vlen[2]),
                                                       (long long)(64 + vlen[3])));
    v[14] = _mm256_xor_si256(v[14], _mm256_set1_epi64x(-1LL));
    X4_ROUND(0);
    X4_ROUND(1);
    X4_ROUND(2);
    X4_ROUND(3);
    X4_ROUND(4);
    X4_ROUND(5);
    X4_ROUND(6);
    X4_ROUND(7);
    X4_ROUND(8);
    X4_ROUND(9);
    X4_ROUND(10);
    X4_ROUND(11);
    for (i = 0; i < 8; i++) {
        __m256i hv = _mm256_xor_si256(_mm256_set1_epi64x((long long)h0[i]),
                                      _mm256_xor_si256(v[i], v[i + 8]));
        _mm256_storeu_si256((__m256i *)res[i], hv);
    }
    for (l = 0; l < 4; l++)
        for (k = 0; k < outlen; k++)
            out[l][k] = (uint8_t)((res[k >> 3][l] >> (8 * (k & 7))) & 0xFF);
}

static int have_x4 = -1;

static int x4_supported(void) {
    if (have_x4 < 0) {
        __builtin_cpu_init();
        have_x4 = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return have_x4;
}
#else
#define HAVE_X4 0
static int x4_supported(void) { return 0; }
#endif

/* Digests of n fields (lens <= 64 when the prefix is a 64-byte key: 4 at a time). */
static void hash_many(const Op *op, int n, const char *const s[], const Py_ssize_t len[],
                      size_t outlen, uint8_t d[][64]) {
    int i = 0;
#if HAVE_X4
    if (op->plen == 64 && x4_supported()) {
        for (; i + 4 <= n; i += 4) {
            const uint8_t *val[4];
            size_t vl[4];
            int l, ok = 1;
            for (l = 0; l < 4; l++) {
                val[l] = (const uint8_t *)s[i + l];
                vl[l] = (size_t)len[i + l];
                if (len[i + l] > 64) ok = 0;
            }
            if (!ok) break;
            b2b_key64_x4(op->km, val, vl, outlen, &d[i]);
        }
    }
#endif
    for (; i < n; i++) op_hash(op, s[i], len[i], outlen, d[i]);
}

/* ------------------------------------------------------------ unique guard
 *
 * unique: true columns: two different inputs giving the same output fail the run.  As
 * rowtransform.UniqueGuard: (hash(output) -> hash(input)) pairs, exact within a block
 * and kept across blocks for the first GUARD_LIMIT distinct values (bounded memory);
 * beyond that uniqueness rests on the transform's construction.  64-bit hashes with a
 * per-process seed (the output never depends on them). */

#define GUARD_LIMIT 200000

typedef struct {
    uint64_t key, val; /* key 0: an empty slot */
} GSlot;

typedef struct {
    GSlot *slots;
    size_t mask, count;
} GTable;

static uint64_t guard_seed;

static uint64_t h64(const char *s, Py_ssize_t n) {
    uint64_t h = guard_seed ^ ((uint64_t)n * 0x9E3779B97F4A7C15ULL), w;
    while (n >= 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        s += 8;
        n -= 8;
    }
    w = 0;
    memcpy(&w, s, (size_t)n);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return h ? h : 1;
}

static int gtable_init(GTable *t, size_t slots) {
    size_t cap = 16;
    while (cap < slots) cap <<= 1;
    t->slots = PyMem_RawCalloc(cap, sizeof(GSlot));
    t->mask = cap - 1;
    t->count = 0;
    return t->slots == NULL ? -1 : 0; /* no memory: the caller sets the error (with the GIL) */
}

static void gtable_free(GTable *t) {
    PyMem_RawFree(t->slots);
    t->slots = NULL;
}

/* 1: ho is known with another input (a collision); 0: fine.  Inserts while below limit. */
static int gtable_check(GTable *t, uint64_t ho, uint64_t hi, size_t limit) {
    size_t i = (size_t)(ho ^ (ho >> 29)) & t->mask;
    while (t->slots[i].key != 0) {
        if (t->slots[i].key == ho) return t->slots[i].val != hi;
        i = (i + 1) & t->mask;
    }
    if (t->count < limit) {
        t->slots[i].key = ho;
        t->slots[i].val = hi;
        t->count++;
    }
    return 0;
}

/* ------------------------------------------------------------ value cache
 *
 * Columns of repetitive values (first names) are served from a small direct-mapped
 * cache of recent (field -> output) pairs instead of a BLAKE2b each; a block whose
 * values keep missing turns it off for the rest of the block.  Outputs are pure
 * functions of the field, so the cache never changes a byte. */

#define CACHE_SLOTS 4096
#define CACHE_KEY 40
#define CACHE_OUT 80

typedef struct {
    uint64_t h;
    uint8_t klen, olen;
    char key[CACHE_KEY];
    char out[CACHE_OUT];
} CacheEntry;

/* ------------------------------------------------------------ one column of a block */

typedef struct {
    char *buf;
    Py_ssize_t len, cap;
} Arena;

static char *arena_take(Arena *a, Py_ssize_t need) {
    char *p;
    if (a->cap - a->len < need) {
        Py_ssize_t cap = a->cap + a->cap / 2 + need + 4096;
        char *nb = PyMem_RawRealloc(a->buf, (size_t)cap);
        if (nb == NULL) return NULL; /* no memory: the caller sets the error */
        a->buf = nb;
        a->cap = cap;
    }
    p = a->buf + a->len;
    a->len += need;
    return p;
}

#define BATCH 16

/* The outputs of ``op`` for n fields (s[i], len[i]) into arena ``ar`` at off[i] / olen[i];
 * olen[i] is -1 for a value the op declines.  ``cache`` may be NULL.  Runs without the
 * GIL: the number of declined values, or -1 when out of memory (no exception set). */
static Py_ssize_t native_core(const Op *op, Py_ssize_t n, const char *const *s,
                              const Py_ssize_t *len, CacheEntry *cache, Arena *ar,
                              Py_ssize_t *off, Py_ssize_t *olen) {
    const char *bs[BATCH];
    Py_ssize_t blen[BATCH], brow[BATCH];
    uint8_t d[BATCH][64];
    Py_ssize_t i, lookups = 0, hits = 0, out, declined = 0;
    int nb = 0, use_cache = cache != NULL, hashes = op_hashes(op), b;
    size_t dsize = op_dsize(op);
    for (i = 0; i <= n; i++) {
        if (i == n || nb == BATCH) { /* the pending digests, then their outputs */
            hash_many(op, nb, bs, blen, dsize, d);
            for (b = 0; b < nb; b++) {
                Py_ssize_t r = brow[b];
                char *w = ar->buf + off[r];
                out = op_finish(op, bs[b], blen[b], d[b], w);
                if (out < 0) {
                    olen[r] = -1; /* declined */
                    declined++;
                    continue;
                }
                olen[r] = out;
                if (use_cache && blen[b] <= CACHE_KEY && out <= CACHE_OUT) {
                    uint64_t h = h64(bs[b], blen[b]);
                    CacheEntry *e = &cache[h & (CACHE_SLOTS - 1)];
                    e->h = h;
                    e->klen = (uint8_t)blen[b];
                    e->olen = (uint8_t)out;
                    memcpy(e->key, bs[b], (size_t)blen[b]);
                    memcpy(e->out, w, (size_t)out);
                }
            }
            nb = 0;
            if (i == n) break;
        }
        {
            Py_ssize_t bound = op_bound(op, len[i]);
            char *w = arena_take(ar, bound);
            int how;
            if (w == NULL) return -1;
            off[i] = w - ar->buf;
            olen[i] = -1;
            if (use_cache && hashes && len[i] <= CACHE_KEY) {
                uint64_t h = h64(s[i], len[i]);
                CacheEntry *e = &cache[h & (CACHE_SLOTS - 1)];
                lookups++;
                if (e->h == h && e->klen == len[i] && memcmp(e->key, s[i], (size_t)len[i]) == 0) {
                    hits++;
                    memcpy(w, e->out, e->olen);
                    olen[i] = e->olen;
                    ar->len -= bound - e->olen;
                    continue;
                }
                if (lookups == 1024 && hits < 128) use_cache = 0; /* mostly distinct */
            }
            how = op_begin(op, s[i], len[i], w, &out);
            if (how == 0) {
                olen[i] = out;
                ar->len -= bound - out;
            } else if (how == 1) {
                bs[nb] = s[i];
                blen[nb] = len[i];
                brow[nb] = i;
                nb++;
            } else {
                declined++;
            }
        }
    }
    return declined;
}

/* The declined values of a column (olen -1) by ``fallback(field)``, the Python path
 * (NULL: none; returns 1).  Holds the GIL.  0: done, -1: an exception is set. */
static int native_fallbacks(PyObject *fallback, Py_ssize_t n, const char *const *s,
                            const Py_ssize_t *len, Arena *ar, Py_ssize_t *off,
                            Py_ssize_t *olen) {
    Py_ssize_t i;
    for (i = 0; i < n; i++) {
        PyObject *field, *v;
        char *w;
        if (olen[i] >= 0) continue;
        if (fallback == NULL) return 1;
        field = PyBytes_FromStringAndSize(s[i], len[i]);
        if (field == NULL) return -1;
        v = PyObject_CallOneArg(fallback, field);
        Py_DECREF(field);
        if (v == NULL) return -1;
        if (!PyBytes_Check(v)) {
            Py_DECREF(v);
            PyErr_SetString(PyExc_TypeError, "a fallback returned a non-bytes");
            return -1;
        }
        w = arena_take(ar, PyBytes_GET_SIZE(v));
        if (w == NULL) {
            Py_DECREF(v);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(w, PyBytes_AS_STRING(v), (size_t)PyBytes_GET_SIZE(v));
        off[i] = w - ar->buf;
        olen[i] = PyBytes_GET_SIZE(v);
        Py_DECREF(v);
    }
    return 0;
}

/* ------------------------------------------------------------ kernels */

static PyObject *digest(PyObject *self, PyObject *args) {
    Py_buffer prefix;
    const char *value;
    Py_ssize_t vlen, size;
    uint8_t out[64];
    if (!PyArg_ParseTuple(args, "y*y#n:digest", &prefix, &value, &vlen, &size)) return NULL;
    if (check_digest_size(size, 64) < 0) {
        PyBuffer_Release(&prefix);
        return NULL;
    }
    b2b_prefixed(prefix.buf, (size_t)prefix.len, (const uint8_t *)value, (size_t)vlen,
                 (size_t)size, out);
    PyBuffer_Release(&prefix);
    return PyBytes_FromStringAndSize((const char *)out, size);
}

/* count_lines(buffer, start, end) -> the number of b"\n" in buffer[start:end]: as
 * bytes.count(b"\n", start, end), vectorised by the compiler. */
static PyObject *count_lines(PyObject *self, PyObject *args) {
    Py_buffer b;
    Py_ssize_t start, end, i, n = 0;
    const unsigned char *p;
    if (!PyArg_ParseTuple(args, "y*nn:count_lines", &b, &start, &end)) return NULL;
    if (start < 0) start = 0;
    if (end > b.len) end = b.len;
    p = b.buf;
    /* the GIL is kept: a megabyte takes microseconds, taking the GIL back could take a
     * switch interval (5 ms) while worker threads run */
    for (i = start; i < end; i++) n += p[i] == '\n';
    PyBuffer_Release(&b);
    return PyLong_FromSsize_t(n);
}

/* digests(key, values, size) -> [blake2b(key + v, size)] through the batched path (tests) */
static PyObject *digests(PyObject *self, PyObject *args) {
    PyObject *key, *values, *seq, *result = NULL;
    Py_ssize_t size, n, i;
    Op op;
    if (!PyArg_ParseTuple(args, "SOn:digests", &key, &values, &size)) return NULL;
    if (check_digest_size(size, 64) < 0) return NULL;
    memset(&op, 0, sizeof op);
    if (set_prefix(&op, key) < 0) return NULL;
    seq = PySequence_Fast(values, "digests: values");
    if (seq == NULL) return NULL;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i += BATCH) {
        const char *s[BATCH];
        Py_ssize_t len[BATCH];
        uint8_t d[BATCH][64];
        int b, nb = (int)(n - i < BATCH ? n - i : BATCH);
        for (b = 0; b < nb; b++) {
            PyObject *v = PySequence_Fast_GET_ITEM(seq, i + b);
            if (!PyBytes_Check(v)) {
                PyErr_SetString(PyExc_TypeError, "digests: values must be bytes");
                Py_CLEAR(result);
                goto done;
            }
            s[b] = PyBytes_AS_STRING(v);
            len[b] = PyBytes_GET_SIZE(v);
        }
        hash_many(&op, nb, s, len, (size_t)size, d);
        for (b = 0; b < nb; b++) {
            PyObject *o = PyBytes_FromStringAndSize((const char *)d[b], size);
            if (o == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            PyList_SET_ITEM(result, i + b, o);
        }
    }
done:
    Py_DECREF(seq);
    return result;
}

/* column(op, fields) -> [output field] or None when a field declines (see op_begin) */
static PyObject *column(PyObject *self, PyObject *args) {
    PyObject *desc, *values, *seq = NULL, *result = NULL;
    Op op;
    Arena ar = {NULL, 0, 0};
    const char **s = NULL;
    Py_ssize_t i, n, *len = NULL, *off = NULL, *olen = NULL;
    int rc;
    if (!PyArg_ParseTuple(args, "OO:column", &desc, &values)) return NULL;
    if (op_parse(&op, desc) < 0) goto done;
    seq = PySequence_Fast(values, "column: fields");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    s = PyMem_Malloc(sizeof(char *) * (size_t)(n + 1));
    len = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    off = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    olen = PyMem_Malloc(sizeof(Py_ssize_t) * (size_t)(n + 1));
    if (s == NULL || len == NULL || off == NULL || olen == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i);
        if (!PyBytes_Check(v)) {
            PyErr_SetString(PyExc_TypeError, "column: items must be bytes");
            goto done;
        }
        s[i] = PyBytes_AS_STRING(v);
        len[i] = PyBytes_GET_SIZE(v);
    }
    if (native_core(&op, n, s, len, NULL, &ar, off, olen) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    rc = native_fallbacks(NULL, n, s, len, &ar, off, olen);
    if (rc < 0) goto done;
    if (rc == 1) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *o = PyBytes_FromStringAndSize(ar.buf + off[i], olen[i]);
        if (o == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, o);
    }
done:
    PyMem_Free(s);
    PyMem_Free(len);
    PyMem_Free(off);
    PyMem_Free(olen);
    PyMem_RawFree(ar.buf);
    Py_XDECREF(seq);
    op_clear(&op);
    return result;
}

/* ------------------------------------------------------------ Program
 *
 * Program(ncols, maxsplit, columns): the per-table hot loop.  ``columns`` lists, sorted
 * by index, (index, op, fallback, collision) for columns with a C op, or (index, None,
 * column_fn, None) for the others:
 *
 * - op: an op tuple (above); fallback(field) -> field, the Python path for a value the op
 *   declines (escapes; values the Python path rejects, which it then reports);
 *   collision(): raises the unique guard's error (None: not unique);
 * - column_fn(fields) -> fields: a whole column of a block at once, in Python.
 *
 * run(block) takes complete rows (without the final newline) and returns (rows
 * transformed + b"\n", row count), or None when a row has the wrong number of fields
 * (nothing was called then; the Python path reports the row).  Kept fields and the
 * bytes around transformed ones are copied as they are. */

typedef struct {
    Py_ssize_t index;
    int native;
    Op op;
    PyObject *fn;        /* fallback (native) or column_fn */
    PyObject *collision; /* or NULL */
    GTable seen;         /* unique: across blocks */
    CacheEntry *cache;
} Col;

typedef struct {
    PyObject_HEAD
    Py_ssize_t ncols, maxsplit, nw;
    Col *cols;
    int busy; /* inside run() (which releases the GIL) */
} ProgramObject;

static void program_dealloc(ProgramObject *self) {
    Py_ssize_t k;
    if (self->cols != NULL) {
        for (k = 0; k < self->nw; k++) {
            Col *c = &self->cols[k];
            op_clear(&c->op);
            Py_CLEAR(c->fn);
            Py_CLEAR(c->collision);
            gtable_free(&c->seen);
            PyMem_Free(c->cache);
        }
        PyMem_Free(self->cols);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int program_init(ProgramObject *self, PyObject *args, PyObject *kwds) {
    PyObject *columns, *seq;
    Py_ssize_t k, nw;
    static char *kwlist[] = {"ncols", "maxsplit", "columns", NULL};
    if (self->cols != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Program is initialised once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "nnO:Program", kwlist, &self->ncols,
                                     &self->maxsplit, &columns))
        return -1;
    seq = PySequence_Fast(columns, "columns");
    if (seq == NULL) return -1;
    nw = PySequence_Fast_GET_SIZE(seq);
    if (nw < 1 || self->ncols < 1) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "Program: at least one column");
        return -1;
    }
    self->cols = PyMem_Calloc((size_t)nw, sizeof(Col));
    if (self->cols == NULL) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    self->nw = nw;
    for (k = 0; k < nw; k++) {
        Col *c = &self->cols[k];
        PyObject *item = PySequence_Fast_GET_ITEM(seq, k), *desc, *fn, *coll;
        if (!PyArg_ParseTuple(item, "nOOO:Program column", &c->index, &desc, &fn, &coll))
            goto fail;
        if (c->index < 0 || (k > 0 && c->index <= self->cols[k - 1].index) ||
            (self->maxsplit >= 0 ? c->index >= self->maxsplit : c->index >= self->ncols)) {
            PyErr_SetString(PyExc_ValueError, "Program: sorted distinct indexes of split fields");
            goto fail;
        }
        if (!PyCallable_Check(fn) || (coll != Py_None && !PyCallable_Check(coll))) {
            PyErr_SetString(PyExc_TypeError, "Program: column functions must be callable");
            goto fail;
        }
        c->fn = Py_NewRef(fn);
        c->native = desc != Py_None;
        if (c->native) {
            if (op_parse(&c->op, desc) < 0) goto fail;
            if (op_hashes(&c->op)) {
                c->cache = PyMem_Calloc(CACHE_SLOTS, sizeof(CacheEntry));
                if (c->cache == NULL) {
                    PyErr_NoMemory();
                    goto fail;
                }
            }
            if (coll != Py_None) {
                c->collision = Py_NewRef(coll);
                if (gtable_init(&c->seen, 2 * GUARD_LIMIT) < 0) {
                    PyErr_NoMemory();
                    goto fail;
                }
            }
        } else if (coll != Py_None) {
            PyErr_SetString(PyExc_ValueError, "Program: a Python column guards itself");
            goto fail;
        }
    }
    Py_DECREF(seq);
    return 0;
fail:
    Py_DECREF(seq);
    return -1;
}

/* A unique column's (input, output) pairs checked (without the GIL): 1 a collision,
 * 0 none, -1 out of memory. */
static int guard_scan(Col *c, Py_ssize_t n, const char *const *s, const Py_ssize_t *len,
                      const char *outs, const Py_ssize_t *off, const Py_ssize_t *olen) {
    GTable block;
    Py_ssize_t i;
    int bad = 0;
    if (gtable_init(&block, 2 * (size_t)n) < 0) return -1;
    for (i = 0; i < n && !bad; i++) {
        uint64_t hi = h64(s[i], len[i]), ho = h64(outs + off[i], olen[i]);
        /* across blocks: the first GUARD_LIMIT values, as UniqueGuard (then no more
         * look-ups: a full table would cost a cache miss per value for nothing new) */
        bad = gtable_check(&block, ho, hi, (size_t)n) ||
              (c->seen.count < GUARD_LIMIT && gtable_check(&c->seen, ho, hi, GUARD_LIMIT));
    }
    gtable_free(&block);
    return bad;
}

typedef struct {
    Arena ar;
    const char **s;
    Py_ssize_t *len, *off, *olen;
    Py_ssize_t declined;
    int guard; /* guard_scan's result */
    PyObject *py; /* a Python column's outputs (a fast sequence) */
} ColOut;

/* Pass 1 and the C columns (no GIL): 0, 1 a row of the wrong width, -1 no memory. */
static int run_split(ProgramObject *self, const char *buf, Py_ssize_t blen, Py_ssize_t rows,
                     ColOut *co) {
    Py_ssize_t nw = self->nw, r, k, pos = 0;
    const char *endp = buf + blen;
    for (k = 0; k < nw; k++) {
        co[k].s = PyMem_RawMalloc(sizeof(char *) * (size_t)rows);
        co[k].len = PyMem_RawMalloc(sizeof(Py_ssize_t) * (size_t)rows);
        co[k].off = PyMem_RawMalloc(sizeof(Py_ssize_t) * (size_t)rows);
        co[k].olen = PyMem_RawMalloc(sizeof(Py_ssize_t) * (size_t)rows);
        if (co[k].s == NULL || co[k].len == NULL || co[k].off == NULL || co[k].olen == NULL)
            return -1;
    }
    for (r = 0; r < rows; r++) {
        const char *row = buf + pos, *nl = memchr(row, '\n', (size_t)(endp - row));
        const char *rowend = nl ? nl : endp, *p = row;
        Py_ssize_t fieldno = 0, wi = 0;
        for (;;) {
            const char *tab = memchr(p, '\t', (size_t)(rowend - p));
            const char *fend = tab ? tab : rowend;
            if (wi < nw && self->cols[wi].index == fieldno) {
                co[wi].s[r] = p;
                co[wi].len[r] = fend - p;
                wi++;
            }
            if (tab == NULL) break;
            fieldno++;
            p = tab + 1;
            if (self->maxsplit >= 0 && fieldno == self->maxsplit) break; /* rest: kept */
        }
        if (self->maxsplit >= 0 ? fieldno != self->maxsplit : fieldno != self->ncols - 1)
            return 1;
        pos = (rowend - buf) + 1;
    }
    for (k = 0; k < nw; k++) {
        Col *c = &self->cols[k];
        if (!c->native) continue;
        co[k].declined = native_core(&c->op, rows, co[k].s, co[k].len, c->cache, &co[k].ar,
                                     co[k].off, co[k].olen);
        if (co[k].declined < 0) return -1;
    }
    return 0;
}

/* Pass 3 (no GIL): the rows, kept bytes and new fields, into w. */
static void run_join(ProgramObject *self, const char *buf, Py_ssize_t blen, Py_ssize_t rows,
                     ColOut *co, char *w) {
    Py_ssize_t nw = self->nw, r, k, cursor = 0;
    for (r = 0; r < rows; r++) {
        for (k = 0; k < nw; k++) {
            ColOut *o = &co[k];
            Py_ssize_t a = o->s[r] - buf;
            memcpy(w, buf + cursor, (size_t)(a - cursor));
            w += a - cursor;
            cursor = a + o->len[r];
            if (o->py != NULL) {
                PyObject *v = PySequence_Fast_GET_ITEM(o->py, r);
                memcpy(w, PyBytes_AS_STRING(v), (size_t)PyBytes_GET_SIZE(v));
                w += PyBytes_GET_SIZE(v);
            } else {
                memcpy(w, o->ar.buf + o->off[r], (size_t)o->olen[r]);
                w += o->olen[r];
            }
        }
    }
    memcpy(w, buf + cursor, (size_t)(blen - cursor));
    w[blen - cursor] = '\n';
}

/* run(block): the heavy passes release the GIL, so threads can run other programs (one
 * thread at a time per program: its cache and guard are its own). */
static PyObject *program_run(ProgramObject *self, PyObject *args) {
    Py_buffer block;
    Py_ssize_t nw = self->nw, rows, r, k, total;
    PyObject *out = NULL, *result = NULL;
    ColOut *co = NULL;
    const char *buf;
    char *raw = NULL;
    int rc;
    if (!PyArg_ParseTuple(args, "y*:run", &block)) return NULL;
    if (self->cols == NULL || self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        self->cols == NULL ? "Program not initialised"
                                           : "Program.run: one thread at a time");
        PyBuffer_Release(&block);
        return NULL;
    }
    self->busy = 1;
    buf = block.buf;
    co = PyMem_RawCalloc((size_t)nw, sizeof(ColOut));
    if (co == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    /* Without the GIL, in one go when every column is a C op and no value declines (the
     * usual case): taking the GIL back costs up to a switch interval (5 ms) when another
     * thread runs Python code, so it is taken once, at the end. */
    Py_BEGIN_ALLOW_THREADS;
    {
        const char *p = buf, *endp = buf + block.len;
        rows = 1;
        while ((p = memchr(p, '\n', (size_t)(endp - p))) != NULL) {
            rows++;
            p++;
        }
    }
    rc = run_split(self, buf, block.len, rows, co);
    if (rc == 0) {
        int slow = 0;
        for (k = 0; k < nw; k++) slow |= !self->cols[k].native || co[k].declined > 0;
        if (!slow) {
            total = block.len + 1;
            for (k = 0; k < nw && rc == 0; k++) {
                ColOut *o = &co[k];
                if (self->cols[k].collision != NULL) {
                    o->guard = guard_scan(&self->cols[k], rows, o->s, o->len, o->ar.buf, o->off,
                                          o->olen);
                    if (o->guard != 0) rc = 2; /* the error, with the GIL */
                }
                for (r = 0; r < rows; r++) total += o->olen[r] - o->len[r];
            }
            if (rc == 0) {
                raw = PyMem_RawMalloc((size_t)total);
                if (raw == NULL) {
                    rc = -1;
                } else {
                    run_join(self, buf, block.len, rows, co, raw);
                    rc = 3; /* done */
                }
            }
        }
    }
    Py_END_ALLOW_THREADS;
    if (rc < 0) {
        PyErr_NoMemory();
        goto done;
    }
    if (rc == 1) { /* a bad row: nothing was called */
        result = Py_NewRef(Py_None);
        goto done;
    }
    if (rc == 3) {
        out = PyBytes_FromStringAndSize(raw, total);
        if (out == NULL) goto done;
        result = Py_BuildValue("(Nn)", out, rows);
        out = NULL;
        goto done;
    }
    if (rc == 2) {
        for (k = 0; k < nw; k++) {
            if (co[k].guard < 0) {
                PyErr_NoMemory();
                goto done;
            }
            if (co[k].guard > 0) {
                PyObject *x = PyObject_CallNoArgs(self->cols[k].collision);
                if (x != NULL) {
                    Py_DECREF(x);
                    PyErr_SetString(PyExc_ValueError, "unique: a collision");
                }
                goto done;
            }
        }
    }
    /* with the GIL: declined values and the Python columns */
    for (k = 0; k < nw; k++) {
        Col *c = &self->cols[k];
        ColOut *o = &co[k];
        if (c->native) {
            if (o->declined > 0 &&
                native_fallbacks(c->fn, rows, o->s, o->len, &o->ar, o->off, o->olen) < 0)
                goto done;
            continue;
        }
        {
            PyObject *list = PyList_New(rows), *res;
            if (list == NULL) goto done;
            for (r = 0; r < rows; r++) {
                PyObject *f = PyBytes_FromStringAndSize(o->s[r], o->len[r]);
                if (f == NULL) {
                    Py_DECREF(list);
                    goto done;
                }
                PyList_SET_ITEM(list, r, f);
            }
            res = PyObject_CallOneArg(c->fn, list);
            Py_DECREF(list);
            if (res == NULL) goto done;
            o->py = PySequence_Fast(res, "column function result");
            Py_DECREF(res);
            if (o->py == NULL) goto done;
            if (PySequence_Fast_GET_SIZE(o->py) != rows) {
                PyErr_SetString(PyExc_ValueError, "a column function returned the wrong length");
                goto done;
            }
            for (r = 0; r < rows; r++) {
                if (!PyBytes_Check(PySequence_Fast_GET_ITEM(o->py, r))) {
                    PyErr_SetString(PyExc_TypeError, "a column function returned a non-bytes");
                    goto done;
                }
            }
        }
    }
    /* the unique guards and the output's size */
    total = block.len + 1;
    Py_BEGIN_ALLOW_THREADS;
    for (k = 0; k < nw; k++) {
        Col *c = &self->cols[k];
        ColOut *o = &co[k];
        if (o->py != NULL) continue;
        if (c->collision != NULL)
            o->guard = guard_scan(c, rows, o->s, o->len, o->ar.buf, o->off, o->olen);
        for (r = 0; r < rows; r++) total += o->olen[r] - o->len[r];
    }
    Py_END_ALLOW_THREADS;
    for (k = 0; k < nw; k++) {
        ColOut *o = &co[k];
        if (o->py != NULL) {
            for (r = 0; r < rows; r++)
                total += PyBytes_GET_SIZE(PySequence_Fast_GET_ITEM(o->py, r)) - o->len[r];
        } else if (o->guard < 0) {
            PyErr_NoMemory();
            goto done;
        } else if (o->guard > 0) {
            PyObject *x = PyObject_CallNoArgs(self->cols[k].collision);
            if (x != NULL) {
                Py_DECREF(x);
                PyErr_SetString(PyExc_ValueError, "unique: a collision");
            }
            goto done;
        }
    }
    out = PyBytes_FromStringAndSize(NULL, total);
    if (out == NULL) goto done;
    Py_BEGIN_ALLOW_THREADS;
    run_join(self, buf, block.len, rows, co, PyBytes_AS_STRING(out));
    Py_END_ALLOW_THREADS;
    result = Py_BuildValue("(Nn)", out, rows);
    out = NULL;
done:
    Py_XDECREF(out);
    if (co != NULL) {
        for (k = 0; k < nw; k++) {
            PyMem_RawFree(co[k].ar.buf);
            PyMem_RawFree(co[k].s);
            PyMem_RawFree(co[k].len);
            PyMem_RawFree(co[k].off);
            PyMem_RawFree(co[k].olen);
            Py_XDECREF(co[k].py);
        }
        PyMem_RawFree(co);
    }
    PyMem_RawFree(raw);
    self->busy = 0;
    PyBuffer_Release(&block);
    return result;
}

static PyMethodDef program_methods[] = {
    {"run", (PyCFunction)program_run, METH_VARARGS,
     "run(block) -> (rows + b'\\n', row count) | None (a row of the wrong width)"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject ProgramType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "dataops.anonymize._speedups.Program",
    .tp_basicsize = sizeof(ProgramObject),
    .tp_itemsize = 0,
    .tp_dealloc = (destructor)program_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Program(ncols, maxsplit, columns): one table's COPY transform (see the source).",
    .tp_methods = program_methods,
    .tp_init = (initproc)program_init,
    .tp_new = PyType_GenericNew,
};

/* ------------------------------------------------------------ join (mysql engine)
 * join_columns: the mysql engine's join after mysql_split (the COPY loop above
 * joins in Program.run). */

/* A column (list or tuple) as a fast sequence of bytes objects; NULL with an error set. */
static PyObject *fast_bytes_seq(PyObject *values, const char *what) {
    Py_ssize_t i, n;
    PyObject *seq = PySequence_Fast(values, what);
    if (seq == NULL) return NULL;
    n = PySequence_Fast_GET_SIZE(seq);
    for (i = 0; i < n; i++) {
        if (!PyBytes_Check(PySequence_Fast_GET_ITEM(seq, i))) {
            Py_DECREF(seq);
            PyErr_Format(PyExc_TypeError, "%s: items must be bytes", what);
            return NULL;
        }
    }
    return seq;
}

/* join_columns(block, spans, columns) -> block with the spans replaced, plus b"\n" */
static PyObject *join_columns(PyObject *self, PyObject *args) {
    Py_buffer block;
    PyObject *spans, *columns, *cseq = NULL, *seqs[256], *result = NULL;
    Py_ssize_t nw, rows, r, k, total, cursor, nseq = 0;
    const Py_ssize_t *sp;
    char *w;
    if (!PyArg_ParseTuple(args, "y*O!O:join_columns", &block, &PyBytes_Type, &spans, &columns))
        return NULL;
    cseq = PySequence_Fast(columns, "columns");
    if (cseq == NULL) goto done;
    nw = PySequence_Fast_GET_SIZE(cseq);
    if (nw < 1 || nw > 256 ||
        PyBytes_GET_SIZE(spans) % (nw * 2 * (Py_ssize_t)sizeof(Py_ssize_t)) != 0) {
        PyErr_SetString(PyExc_ValueError, "join_columns: spans do not fit the columns");
        goto done;
    }
    rows = PyBytes_GET_SIZE(spans) / (nw * 2 * (Py_ssize_t)sizeof(Py_ssize_t));
    sp = (const Py_ssize_t *)PyBytes_AS_STRING(spans);
    total = block.len + 1;
    for (k = 0; k < nw; k++) {
        seqs[k] = fast_bytes_seq(PySequence_Fast_GET_ITEM(cseq, k), "join_columns");
        if (seqs[k] == NULL) goto done;
        nseq++;
        if (PySequence_Fast_GET_SIZE(seqs[k]) != rows) {
            PyErr_SetString(PyExc_ValueError, "join_columns: a column has the wrong length");
            goto done;
        }
    }
    cursor = 0;
    for (r = 0; r < rows; r++) {
        for (k = 0; k < nw; k++) {
            Py_ssize_t a = sp[2 * (r * nw + k)], b = sp[2 * (r * nw + k) + 1];
            if (a < cursor || b < a || b > block.len) {
                PyErr_SetString(PyExc_ValueError, "join_columns: bad spans");
                goto done;
            }
            total += PyBytes_GET_SIZE(PySequence_Fast_GET_ITEM(seqs[k], r)) - (b - a);
            cursor = b;
        }
    }
    result = PyBytes_FromStringAndSize(NULL, total);
    if (result == NULL) goto done;
    w = PyBytes_AS_STRING(result);
    cursor = 0;
    for (r = 0; r < rows; r++) {
        for (k = 0; k < nw; k++) {
            Py_ssize_t a = sp[2 * (r * nw + k)], b = sp[2 * (r * nw + k) + 1];
            PyObject *o = PySequence_Fast_GET_ITEM(seqs[k], r);
            memcpy(w, (const char *)block.buf + cursor, (size_t)(a - cursor));
            w += a - cursor;
            memcpy(w, PyBytes_AS_STRING(o), (size_t)PyBytes_GET_SIZE(o));
            w += PyBytes_GET_SIZE(o);
            cursor = b;
        }
    }
    memcpy(w, (const char *)block.buf + cursor, (size_t)(block.len - cursor));
    w += block.len - cursor;
    *w = '\n';
done:
    for (k = 0; k < nseq; k++) Py_DECREF(seqs[k]);
    Py_XDECREF(cseq);
    PyBuffer_Release(&block);
    return result;
}

/* ------------------------------------------------- MySQL rows (mysql engine, issue 18)
 * Kept apart from the COPY kernels above: used by dataops/anonymize/engines/mysql.py.
 *
 * mysql_split(block, wanted, nvalues) -> (columns, spans, rows) or None
 *
 * ``block``: complete INSERT rows "(v, v, ...)" with their separators (whitespace and
 * commas), as the mysql engine's reader hands them.  Every row must hold exactly
 * ``nvalues`` values: a value is an (introduced, concatenated) string -- '' or "" with
 * backslash escapes and doubled quotes -- or a bare token without , ( ) or quotes.
 * ``wanted``: sorted value positions; their literals (surrounding whitespace trimmed)
 * come back as columns, with (start, end) Py_ssize_t spans per row for join_columns.
 * None when a row does not read so (the Python path then names the row and the line).
 */
static int my_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static const char *my_string_end(const char *p, const char *e) {
    char q = *p++;
    while (p < e) {
        const char *hit = memchr(p, q, (size_t)(e - p)), *bs;
        if (hit == NULL) return NULL;
        bs = memchr(p, '\\', (size_t)(hit - p));
        if (bs != NULL) { /* an escaped character before the quote: skip it, look again */
            p = bs + 2;
            continue;
        }
        if (hit + 1 < e && hit[1] == q) { /* a doubled quote */
            p = hit + 2;
            continue;
        }
        return hit + 1;
    }
    return NULL;
}

static PyObject *mysql_split(PyObject *self, PyObject *args) {
    Py_buffer block;
    PyObject *wanted, *wseq = NULL, *cols = NULL, *spans = NULL, *result = NULL;
    Py_ssize_t nvalues, nw, rows = 0, k, cap = 0, used = 0;
    Py_ssize_t idx[256];
    Py_ssize_t *sp = NULL;
    const char *buf, *e, *p;
    if (!PyArg_ParseTuple(args, "y*On:mysql_split", &block, &wanted, &nvalues)) return NULL;
    buf = block.buf;
    e = buf + block.len;
    wseq = PySequence_Fast(wanted, "wanted");
    if (wseq == NULL) goto done;
    nw = PySequence_Fast_GET_SIZE(wseq);
    if (nw < 1 || nw > 256) {
        PyErr_SetString(PyExc_ValueError, "1..256 wanted values");
        goto done;
    }
    for (k = 0; k < nw; k++) {
        idx[k] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(wseq, k));
        if (idx[k] == -1 && PyErr_Occurred()) goto done;
        if (idx[k] < 0 || idx[k] >= nvalues || (k > 0 && idx[k] <= idx[k - 1])) {
            PyErr_SetString(PyExc_ValueError, "wanted: sorted distinct value positions");
            goto done;
        }
    }
    cols = PyList_New(nw);
    if (cols == NULL) goto done;
    for (k = 0; k < nw; k++) {
        PyObject *col = PyList_New(0);
        if (col == NULL) goto done;
        PyList_SET_ITEM(cols, k, col);
    }
    p = buf;
    for (;;) {
        Py_ssize_t v, w = 0;
        while (p < e && my_space(*p)) p++;
        if (p >= e) break;
        if (*p != '(') goto decline;
        p++;
        if (used + 2 * nw > cap) {
            Py_ssize_t ncap = cap ? cap * 2 : 4096;
            Py_ssize_t *nsp = PyMem_Realloc(sp, (size_t)ncap * sizeof(Py_ssize_t));
            if (nsp == NULL) {
                PyErr_NoMemory();
                goto done;
            }
            sp = nsp;
            cap = ncap;
        }
        for (v = 0; v < nvalues; v++) {
            const char *start, *end;
            while (p < e && my_space(*p)) p++;
            start = p;
            while (p < e && *p != ',' && *p != ')') {
                if (*p == '\'' || *p == '"') {
                    p = my_string_end(p, e);
                    if (p == NULL) goto decline;
                } else if (*p == '(') {
                    goto decline;
                } else {
                    p++;
                }
            }
            if (p >= e) goto decline;
            end = p;
            while (end > start && my_space(end[-1])) end--;
            if (end == start) goto decline;
            if (*p != (v == nvalues - 1 ? ')' : ',')) goto decline;
            p++;
            if (w < nw && idx[w] == v) {
                PyObject *f = PyBytes_FromStringAndSize(start, end - start);
                if (f == NULL) goto done;
                if (PyList_Append(PyList_GET_ITEM(cols, w), f) < 0) {
                    Py_DECREF(f);
                    goto done;
                }
                Py_DECREF(f);
                sp[used++] = start - buf;
                sp[used++] = end - buf;
                w++;
            }
        }
        rows++;
        while (p < e && my_space(*p)) p++;
        if (p < e && *p == ',') p++;
    }
    spans = PyBytes_FromStringAndSize((const char *)sp, used * (Py_ssize_t)sizeof(Py_ssize_t));
    if (spans == NULL) goto done;
    result = Py_BuildValue("(OOn)", cols, spans, rows);
    goto done;
decline:
    result = Py_NewRef(Py_None);
done:
    PyMem_Free(sp);
    Py_XDECREF(wseq);
    Py_XDECREF(cols);
    Py_XDECREF(spans);
    PyBuffer_Release(&block);
    return result;
}

/* mysql_statement_end(buf, start) -> (index, rows): index of the ";" ending the INSERT
 * whose rows start at ``start`` (outside '' and "" strings) and the rows before it (the
 * "(" at depth 0); index -1: not in ``buf`` yet (read more); -2: a comment starts
 * outside strings (the Python path decides). */
static PyObject *mysql_statement_end(PyObject *self, PyObject *args) {
    Py_buffer block;
    Py_ssize_t start, found = -1, rows = 0, depth = 0;
    const char *buf, *e, *p;
    if (!PyArg_ParseTuple(args, "y*n:mysql_statement_end", &block, &start)) return NULL;
    buf = block.buf;
    e = buf + block.len;
    p = buf + (start < 0 ? 0 : (start > block.len ? block.len : start));
    while (p < e) {
        char c = *p;
        if (c == '\'' || c == '"') {
            p = my_string_end(p, e);
            if (p == NULL) break;
        } else if (c == ';') {
            found = p - buf;
            break;
        } else if (c == '#' || (c == '-' && p + 1 < e && p[1] == '-') ||
                   (c == '/' && p + 1 < e && p[1] == '*')) {
            found = -2;
            break;
        } else {
            if (c == '(') {
                if (depth == 0) rows++;
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            }
            p++;
        }
    }
    PyBuffer_Release(&block);
    return Py_BuildValue("(nn)", found, rows);
}

/* mysql_to_copy(literals) -> COPY text fields, or None unless every literal is NULL or
 * one single-quoted string (MySQL escapes read as the server does; '' is a quote). */
static PyObject *mysql_to_copy(PyObject *self, PyObject *args) {
    PyObject *values, *seq, *out = NULL;
    Py_ssize_t i, n;
    char *tmp = NULL;
    Py_ssize_t tcap = 0;
    if (!PyArg_ParseTuple(args, "O:mysql_to_copy", &values)) return NULL;
    seq = fast_bytes_seq(values, "mysql_to_copy");
    if (seq == NULL) return NULL;
    n = PySequence_Fast_GET_SIZE(seq);
    out = PyList_New(n);
    if (out == NULL) goto fail;
    for (i = 0; i < n; i++) {
        PyObject *lit = PySequence_Fast_GET_ITEM(seq, i), *f;
        const char *s = PyBytes_AS_STRING(lit), *q, *e;
        Py_ssize_t len = PyBytes_GET_SIZE(lit), w = 0;
        if (len == 4 && memcmp(s, "NULL", 4) == 0) {
            f = PyBytes_FromStringAndSize("\\N", 2);
            if (f == NULL) goto fail;
            PyList_SET_ITEM(out, i, f);
            continue;
        }
        if (len < 2 || s[0] != '\'' || s[len - 1] != '\'') goto decline;
        if (2 * len > tcap) { /* each input byte gives at most 2 (\0: 4 from 2) */
            char *nt = PyMem_Realloc(tmp, (size_t)(2 * len));
            if (nt == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            tmp = nt;
            tcap = 2 * len;
        }
        q = s + 1;
        e = s + len - 1;
        while (q < e) {
            char c = *q++;
            if (c == '\\') {
                if (q >= e) goto decline;
                c = *q++;
                switch (c) {
                case '0': tmp[w++] = '\\'; tmp[w++] = '0'; tmp[w++] = '0'; tmp[w++] = '0'; break;
                case 'n': tmp[w++] = '\\'; tmp[w++] = 'n'; break;
                case 'r': tmp[w++] = '\\'; tmp[w++] = 'r'; break;
                case 't': tmp[w++] = '\\'; tmp[w++] = 't'; break;
                case 'b': tmp[w++] = '\\'; tmp[w++] = 'b'; break;
                case 'Z': tmp[w++] = '\x1a'; break;
                case '\\': tmp[w++] = '\\'; tmp[w++] = '\\'; break;
                case '%': case '_': tmp[w++] = '\\'; tmp[w++] = '\\'; tmp[w++] = c; break;
                default: tmp[w++] = c; break;
                }
            } else if (c == '\'') {
                if (q < e && *q == '\'') {
                    tmp[w++] = '\'';
                    q++;
                } else {
                    goto decline; /* 'a' 'b': several parts */
                }
            } else if (c == '\t') {
                tmp[w++] = '\\'; tmp[w++] = 't';
            } else if (c == '\n') {
                tmp[w++] = '\\'; tmp[w++] = 'n';
            } else if (c == '\r') {
                tmp[w++] = '\\'; tmp[w++] = 'r';
            } else {
                tmp[w++] = c;
            }
        }
        f = PyBytes_FromStringAndSize(tmp, w);
        if (f == NULL) goto fail;
        PyList_SET_ITEM(out, i, f);
    }
    PyMem_Free(tmp);
    Py_DECREF(seq);
    return out;
decline:
    PyMem_Free(tmp);
    Py_DECREF(seq);
    Py_DECREF(out);
    Py_RETURN_NONE;
fail:
    PyMem_Free(tmp);
    Py_DECREF(seq);
    Py_XDECREF(out);
    return NULL;
}

/* copy_to_mysql(fields) -> single-quoted MySQL literals (\N -> NULL), escaped as
 * mysqldump does; None if a field holds another backslash escape (the Python path). */
static PyObject *copy_to_mysql(PyObject *self, PyObject *args) {
    PyObject *values, *seq, *out = NULL;
    Py_ssize_t i, n;
    char *tmp = NULL;
    Py_ssize_t tcap = 0;
    if (!PyArg_ParseTuple(args, "O:copy_to_mysql", &values)) return NULL;
    seq = fast_bytes_seq(values, "copy_to_mysql");
    if (seq == NULL) return NULL;
    n = PySequence_Fast_GET_SIZE(seq);
    out = PyList_New(n);
    if (out == NULL) goto fail;
    for (i = 0; i < n; i++) {
        PyObject *fld = PySequence_Fast_GET_ITEM(seq, i), *f;
        const char *s = PyBytes_AS_STRING(fld);
        Py_ssize_t len = PyBytes_GET_SIZE(fld), k, w = 0;
        if (len == 2 && s[0] == '\\' && s[1] == 'N') {
            f = PyBytes_FromStringAndSize("NULL", 4);
            if (f == NULL) goto fail;
            PyList_SET_ITEM(out, i, f);
            continue;
        }
        if (2 * len + 2 > tcap) {
            char *nt = PyMem_Realloc(tmp, (size_t)(2 * len + 2));
            if (nt == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            tmp = nt;
            tcap = 2 * len + 2;
        }
        tmp[w++] = '\'';
        for (k = 0; k < len; k++) {
            char c = s[k];
            switch (c) {
            case '\\': goto decline;
            case '\'': tmp[w++] = '\\'; tmp[w++] = '\''; break;
            case '"': tmp[w++] = '\\'; tmp[w++] = '"'; break;
            case '\0': tmp[w++] = '\\'; tmp[w++] = '0'; break;
            case '\x1a': tmp[w++] = '\\'; tmp[w++] = 'Z'; break;
            case '\n': tmp[w++] = '\\'; tmp[w++] = 'n'; break;
            case '\r': tmp[w++] = '\\'; tmp[w++] = 'r'; break;
            default: tmp[w++] = c; break;
            }
        }
        tmp[w++] = '\'';
        f = PyBytes_FromStringAndSize(tmp, w);
        if (f == NULL) goto fail;
        PyList_SET_ITEM(out, i, f);
    }
    PyMem_Free(tmp);
    Py_DECREF(seq);
    return out;
decline:
    PyMem_Free(tmp);
    Py_DECREF(seq);
    Py_DECREF(out);
    Py_RETURN_NONE;
fail:
    PyMem_Free(tmp);
    Py_DECREF(seq);
    Py_XDECREF(out);
    return NULL;
}

/* ------------------------------------------------------------ module */

static PyMethodDef methods[] = {
    {"digest", digest, METH_VARARGS, "digest(prefix, value, size): blake2b(prefix + value)"},
    {"digests", digests, METH_VARARGS,
     "digests(key, values, size): [blake2b(key + v)], the batched path (tests)"},
    {"count_lines", count_lines, METH_VARARGS,
     "count_lines(buffer, start, end): buffer.count(b'\\n', start, end)"},
    {"column", column, METH_VARARGS,
     "column(op, fields) -> [output field] | None (a field declines)"},
    {"join_columns", join_columns, METH_VARARGS, "join_columns(block, spans, columns) -> bytes"},
    /* MySQL rows (mysql engine) */
    {"mysql_split", mysql_split, METH_VARARGS,
     "mysql_split(block, wanted, nvalues) -> (columns, spans, rows) | None"},
    {"mysql_statement_end", mysql_statement_end, METH_VARARGS,
     "mysql_statement_end(buf, start) -> (index of the ending ; | -1 | -2, rows)"},
    {"mysql_to_copy", mysql_to_copy, METH_VARARGS, "mysql_to_copy(literals) -> fields | None"},
    {"copy_to_mysql", copy_to_mysql, METH_VARARGS, "copy_to_mysql(fields) -> literals | None"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Compiled kernels for dataops.anonymize (optional).", -1,
    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__speedups(void) {
    PyObject *m;
    if (PyType_Ready(&ProgramType) < 0) return NULL;
    init_hexpairs();
    /* not a secret: it only makes crafted guard-hash collisions unlikely to line up */
    guard_seed = ((uint64_t)(uintptr_t)&module * 0x9E3779B97F4A7C15ULL) ^ (uint64_t)time(NULL) ^
                 ((uint64_t)getpid() << 32);
    m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    if (PyModule_AddObjectRef(m, "Program", (PyObject *)&ProgramType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
