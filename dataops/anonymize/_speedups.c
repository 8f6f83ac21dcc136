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

static void b2b_compress(b2b_ctx *ctx, int last) {
    uint64_t v[16], m[16];
    int i;
    for (i = 0; i < 8; i++) {
        v[i] = ctx->h[i];
        v[i + 8] = b2b_iv[i];
    }
    v[12] ^= ctx->t[0];
    v[13] ^= ctx->t[1];
    if (last) v[14] = ~v[14];
    for (i = 0; i < 16; i++) m[i] = load64_le(&ctx->b[8 * i]);
    for (i = 0; i < 12; i++) {
        const uint8_t *s = b2b_sigma[i];
        B2B_G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        B2B_G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        B2B_G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        B2B_G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        B2B_G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        B2B_G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        B2B_G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        B2B_G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (i = 0; i < 8; i++) ctx->h[i] ^= v[i] ^ v[i + 8];
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

/* pool_pick(prefix, size, fields, pool) -> [pool[int.from_bytes(blake2b(prefix+v, size)) % len(pool)]] */
static PyObject *pool_pick(PyObject *self, PyObject *args) {
    Py_buffer prefix;
    Py_ssize_t size, i, n, npool;
    PyObject *values, *pool, *seq = NULL, *result = NULL;
    uint8_t d[8];
    if (!PyArg_ParseTuple(args, "y*nOO!:pool_pick", &prefix, &size, &values, &PyList_Type, &pool))
        return NULL;
    npool = PyList_GET_SIZE(pool);
    if (check_digest_size(size, 8) < 0) goto done;
    if (npool < 1) {
        PyErr_SetString(PyExc_ValueError, "empty pool");
        goto done;
    }
    seq = fast_bytes_seq(values, "pool_pick");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o;
        const char *s = PyBytes_AS_STRING(v);
        Py_ssize_t len = PyBytes_GET_SIZE(v);
        int kind = field_kind(s, len);
        if (kind < 0) {
            Py_CLEAR(result);
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (kind == 1) {
            o = v;
        } else {
            b2b_prefixed(prefix.buf, (size_t)prefix.len, (const uint8_t *)s, (size_t)len,
                         (size_t)size, d);
            o = PyList_GET_ITEM(pool, (Py_ssize_t)(be_uint(d, (size_t)size) % (uint64_t)npool));
        }
        PyList_SET_ITEM(result, i, Py_NewRef(o));
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&prefix);
    return result;
}

/* hex_digest(prefix, size, length, out_prefix, fields) -> [out_prefix + hexdigest[:length]] */
static PyObject *hex_digest(PyObject *self, PyObject *args) {
    Py_buffer prefix, outp;
    Py_ssize_t size, length, i, n;
    PyObject *values, *seq = NULL, *result = NULL;
    uint8_t d[64];
    if (!PyArg_ParseTuple(args, "y*nny*O:hex_digest", &prefix, &size, &length, &outp, &values))
        return NULL;
    if (check_digest_size(size, 64) < 0) goto done;
    if (length < 0 || length > 2 * size) {
        PyErr_SetString(PyExc_ValueError, "length must be 0..2*size");
        goto done;
    }
    seq = fast_bytes_seq(values, "hex_digest");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o;
        const char *s = PyBytes_AS_STRING(v);
        Py_ssize_t len = PyBytes_GET_SIZE(v), k;
        int kind = field_kind(s, len);
        if (kind < 0) {
            Py_CLEAR(result);
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (kind == 1) {
            o = Py_NewRef(v);
        } else {
            char *w;
            b2b_prefixed(prefix.buf, (size_t)prefix.len, (const uint8_t *)s, (size_t)len,
                         (size_t)size, d);
            o = PyBytes_FromStringAndSize(NULL, outp.len + length);
            if (o == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            w = PyBytes_AS_STRING(o);
            memcpy(w, outp.buf, (size_t)outp.len);
            w += outp.len;
            for (k = 0; k < length; k++)
                w[k] = hexdigits[(k & 1) ? (d[k >> 1] & 0xF) : (d[k >> 1] >> 4)];
        }
        PyList_SET_ITEM(result, i, o);
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&outp);
    return result;
}

/* email(prefix, names, tag_bytes, at_domain, fields):
 * d = blake2b(prefix + v, 16); names[int.from_bytes(d[14:16]) % len(names)] + hex(d[:tag]) + at_domain */
static PyObject *email(PyObject *self, PyObject *args) {
    Py_buffer prefix, dom;
    Py_ssize_t tag, i, n, nnames;
    PyObject *values, *names, *seq = NULL, *result = NULL;
    uint8_t d[16];
    if (!PyArg_ParseTuple(args, "y*O!ny*O:email", &prefix, &PyList_Type, &names, &tag, &dom,
                          &values))
        return NULL;
    nnames = PyList_GET_SIZE(names);
    if (tag < 0 || tag > 14 || nnames < 1) {
        PyErr_SetString(PyExc_ValueError, "email: bad tag size or empty names");
        goto done;
    }
    for (i = 0; i < nnames; i++) {
        if (!PyBytes_Check(PyList_GET_ITEM(names, i))) {
            PyErr_SetString(PyExc_TypeError, "email: names must be bytes");
            goto done;
        }
    }
    seq = fast_bytes_seq(values, "email");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o, *name;
        const char *s = PyBytes_AS_STRING(v);
        Py_ssize_t len = PyBytes_GET_SIZE(v), k, nlen;
        int kind = field_kind(s, len);
        if (kind < 0) {
            Py_CLEAR(result);
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (kind == 1) {
            o = Py_NewRef(v);
        } else {
            char *w;
            b2b_prefixed(prefix.buf, (size_t)prefix.len, (const uint8_t *)s, (size_t)len, 16, d);
            name = PyList_GET_ITEM(names, (Py_ssize_t)(be_uint(d + 14, 2) % (uint64_t)nnames));
            nlen = PyBytes_GET_SIZE(name);
            o = PyBytes_FromStringAndSize(NULL, nlen + 2 * tag + dom.len);
            if (o == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            w = PyBytes_AS_STRING(o);
            memcpy(w, PyBytes_AS_STRING(name), (size_t)nlen);
            w += nlen;
            for (k = 0; k < tag; k++) {
                *w++ = hexdigits[d[k] >> 4];
                *w++ = hexdigits[d[k] & 0xF];
            }
            memcpy(w, dom.buf, (size_t)dom.len);
        }
        PyList_SET_ITEM(result, i, o);
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&prefix);
    PyBuffer_Release(&dom);
    return result;
}

/* mask(keep_first, keep_last, char, fields): ASCII values only (else None), one of
 * keep_first / keep_last zero, as Mask.build_kernel: head + char * rest + tail */
static PyObject *mask(PyObject *self, PyObject *args) {
    Py_ssize_t first, last, i, n;
    char ch;
    PyObject *values, *seq = NULL, *result = NULL;
    if (!PyArg_ParseTuple(args, "nncO:mask", &first, &last, &ch, &values)) return NULL;
    if (first < 0 || last < 0) {
        PyErr_SetString(PyExc_ValueError, "mask: negative keep");
        return NULL;
    }
    seq = fast_bytes_seq(values, "mask");
    if (seq == NULL) return NULL;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o;
        const char *s = PyBytes_AS_STRING(v);
        Py_ssize_t len = PyBytes_GET_SIZE(v), k, kf, kl;
        int kind = field_kind(s, len);
        char *w;
        if (kind == 0) {
            for (k = 0; k < len; k++) {
                if ((unsigned char)s[k] >= 0x80) kind = -1;
            }
        }
        if (kind < 0) {
            Py_CLEAR(result);
            result = Py_NewRef(Py_None);
            goto done;
        }
        if (kind == 1) {
            PyList_SET_ITEM(result, i, Py_NewRef(v));
            continue;
        }
        kf = first < len ? first : len;
        kl = last < len - kf ? last : len - kf;
        o = PyBytes_FromStringAndSize(NULL, len);
        if (o == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        w = PyBytes_AS_STRING(o);
        memcpy(w, s, (size_t)kf);
        memset(w + kf, ch, (size_t)(len - kf - kl));
        memcpy(w + len - kl, s + len - kl, (size_t)kl);
        PyList_SET_ITEM(result, i, o);
    }
done:
    Py_DECREF(seq);
    return result;
}

/* ------------------------------------------------------------ date_shift */

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

/* date_shift(prefix, max_days, fields) -> shifted fields, or None to decline */
static PyObject *date_shift(PyObject *self, PyObject *args) {
    Py_buffer prefix;
    Py_ssize_t max_days, i, n;
    PyObject *values, *seq = NULL, *result = NULL;
    uint8_t dg[8];
    if (!PyArg_ParseTuple(args, "y*nO:date_shift", &prefix, &max_days, &values)) return NULL;
    if (max_days < 1 || max_days > 100000000) {
        PyErr_SetString(PyExc_ValueError, "max_days out of range");
        goto done;
    }
    seq = fast_bytes_seq(values, "date_shift");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    for (i = 0; i < n; i++) {
        PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o;
        const char *s = PyBytes_AS_STRING(v);
        Py_ssize_t len = PyBytes_GET_SIZE(v), yd = 0, end, k;
        int kind = field_kind(s, len), mo, dd, bc, nm, nd;
        long year = 0, ord, shifted, days, ny;
        uint64_t r;
        char buf[16];
        if (kind < 0) goto decline;
        if (kind == 1 || (len == 8 && memcmp(s, "infinity", 8) == 0) ||
            (len == 9 && memcmp(s, "-infinity", 9) == 0)) {
            PyList_SET_ITEM(result, i, Py_NewRef(v));
            continue;
        }
        /* ^(\d{4,})-(\d\d)-(\d\d) */
        while (yd < len && s[yd] >= '0' && s[yd] <= '9') {
            if (year < 100000) year = year * 10 + (s[yd] - '0'); /* else: not 1..9999 */
            yd++;
        }
        if (yd < 4) goto decline;
        end = yd + 6;
        if (len < end || s[yd] != '-' || s[yd + 3] != '-') goto decline;
        for (k = yd + 1; k < end; k++) {
            if (k == yd + 3) continue;
            if (s[k] < '0' || s[k] > '9') goto decline;
        }
        mo = (s[yd + 1] - '0') * 10 + (s[yd + 2] - '0');
        dd = (s[yd + 4] - '0') * 10 + (s[yd + 5] - '0');
        if (year < 1 || year > 9999 || mo < 1 || mo > 12 || dd < 1 || dd > days_in_month(year, mo))
            goto decline;
        b2b_prefixed(prefix.buf, (size_t)prefix.len, (const uint8_t *)s, (size_t)len, 8, dg);
        r = be_uint(dg, 8) % (uint64_t)(2 * max_days);
        days = (r < (uint64_t)max_days) ? (long)r - (long)max_days : (long)r - (long)max_days + 1;
        bc = len >= 3 && memcmp(s + len - 3, " BC", 3) == 0;
        if (bc) days = -days;
        ord = to_ordinal(year, mo, dd);
        shifted = ord + days;
        if (shifted < 1 || shifted > MAX_ORDINAL) shifted = ord - days;
        if (shifted < 1 || shifted > MAX_ORDINAL) goto decline;
        from_ordinal(shifted, &ny, &nm, &nd);
        buf[0] = (char)('0' + ny / 1000);
        buf[1] = (char)('0' + ny / 100 % 10);
        buf[2] = (char)('0' + ny / 10 % 10);
        buf[3] = (char)('0' + ny % 10);
        buf[4] = '-';
        buf[5] = (char)('0' + nm / 10);
        buf[6] = (char)('0' + nm % 10);
        buf[7] = '-';
        buf[8] = (char)('0' + nd / 10);
        buf[9] = (char)('0' + nd % 10);
        o = PyBytes_FromStringAndSize(NULL, 10 + (len - end));
        if (o == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        memcpy(PyBytes_AS_STRING(o), buf, 10);
        memcpy(PyBytes_AS_STRING(o) + 10, s + end, (size_t)(len - end));
        PyList_SET_ITEM(result, i, o);
        continue;
    decline:
        Py_CLEAR(result);
        result = Py_NewRef(Py_None);
        goto done;
    }
done:
    Py_XDECREF(seq);
    PyBuffer_Release(&prefix);
    return result;
}

/* ------------------------------------------------------------ split / join */

/* int_permute(prefixes, bits, fields) -> [permuted integer] (tokenize on int2/4/8).
 *
 * The Feistel permutation of fpe.Permutation for n = 2**bits (bits 16, 32 or 64: the
 * whole range of smallint / integer / bigint, so halves of bits/2 and no cycle-walking):
 * x - lo as an unsigned value, 10 rounds ``a, b = b, a ^ (int(blake2b(prefix_i + b)) &
 * mask)`` with b as bits/16 big-endian bytes, then + lo.  A field that is not a canonical
 * decimal integer of the type declines the block (the Python path reports it).
 */
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

static PyObject *int_permute(PyObject *self, PyObject *args) {
    PyObject *prefixes, *values, *pseq = NULL, *seq = NULL, *result = NULL;
    Py_ssize_t bits, i, n, r;
    const uint8_t *pre[10];
    size_t plen[10];
    if (!PyArg_ParseTuple(args, "OnO:int_permute", &prefixes, &bits, &values)) return NULL;
    if (bits != 16 && bits != 32 && bits != 64) {
        PyErr_SetString(PyExc_ValueError, "bits must be 16, 32 or 64");
        return NULL;
    }
    pseq = PySequence_Fast(prefixes, "prefixes");
    if (pseq == NULL) return NULL;
    if (PySequence_Fast_GET_SIZE(pseq) != 10) {
        PyErr_SetString(PyExc_ValueError, "10 round prefixes expected");
        goto done;
    }
    for (r = 0; r < 10; r++) {
        PyObject *o = PySequence_Fast_GET_ITEM(pseq, r);
        if (!PyBytes_Check(o)) {
            PyErr_SetString(PyExc_TypeError, "prefixes must be bytes");
            goto done;
        }
        pre[r] = (const uint8_t *)PyBytes_AS_STRING(o);
        plen[r] = (size_t)PyBytes_GET_SIZE(o);
    }
    seq = fast_bytes_seq(values, "int_permute");
    if (seq == NULL) goto done;
    n = PySequence_Fast_GET_SIZE(seq);
    result = PyList_New(n);
    if (result == NULL) goto done;
    {
        const unsigned half = (unsigned)bits / 2, nbytes = (unsigned)bits / 16;
        const uint64_t hmask = (half == 32) ? 0xFFFFFFFFULL : ((1ULL << half) - 1);
        const uint64_t offset = 1ULL << (bits - 1); /* -lo */
        const int64_t lo = (bits == 64) ? INT64_MIN : -(int64_t)offset;
        const int64_t hi = (bits == 64) ? INT64_MAX : (int64_t)offset - 1;
        for (i = 0; i < n; i++) {
            PyObject *v = PySequence_Fast_GET_ITEM(seq, i), *o;
            const char *s = PyBytes_AS_STRING(v);
            Py_ssize_t len = PyBytes_GET_SIZE(v);
            int kind = field_kind(s, len);
            int64_t x;
            if (kind == 1) {
                PyList_SET_ITEM(result, i, Py_NewRef(v));
                continue;
            }
            if (kind < 0 || parse_int64(s, len, &x) < 0 || x < lo || x > hi) {
                Py_CLEAR(result);
                result = Py_NewRef(Py_None);
                goto done;
            }
            {
                uint64_t ux = (uint64_t)x + offset; /* mod 2**64: x - lo */
                uint64_t a, b, t, y;
                uint8_t in[4], d[4];
                char text[24];
                unsigned k;
                if (bits < 64) ux &= (offset << 1) - 1;
                a = ux >> half;
                b = ux & hmask;
                for (r = 0; r < 10; r++) {
                    for (k = 0; k < nbytes; k++) in[k] = (uint8_t)(b >> (8 * (nbytes - 1 - k)));
                    b2b_prefixed(pre[r], plen[r], in, nbytes, nbytes, d);
                    t = b;
                    b = a ^ (be_uint(d, nbytes) & hmask);
                    a = t;
                }
                y = (a << half) | b;
                if (bits == 64)
                    x = (int64_t)(y - offset); /* + lo, modulo 2**64 (two's complement) */
                else
                    x = (int64_t)y - (int64_t)offset;
                len = (Py_ssize_t)snprintf(text, sizeof text, "%lld", (long long)x);
                o = PyBytes_FromStringAndSize(text, len);
                if (o == NULL) {
                    Py_CLEAR(result);
                    goto done;
                }
                PyList_SET_ITEM(result, i, o);
            }
        }
    }
done:
    Py_XDECREF(seq);
    Py_XDECREF(pseq);
    return result;
}

/* split_columns(block, wanted, maxsplit, ncols) -> (columns, spans, rows) or None
 *
 * ``block``: complete rows separated by \n, without the final newline.  ``wanted``:
 * sorted column indexes.  A row must split like row.split(b"\t", maxsplit) into
 * ``maxsplit + 1`` fields (maxsplit >= 0) or exactly ``ncols`` fields (maxsplit -1);
 * otherwise None (the Python path reports the bad row).  ``spans`` is a bytes object
 * of (start, end) Py_ssize_t offsets per row and wanted column, for join_columns.
 */
static PyObject *split_columns(PyObject *self, PyObject *args) {
    Py_buffer block;
    PyObject *wanted, *wseq = NULL, *cols = NULL, *spans = NULL, *result = NULL;
    Py_ssize_t maxsplit, ncols, nw, rows, r, k, pos, *sp;
    Py_ssize_t idx[256];
    const char *buf, *endp;
    if (!PyArg_ParseTuple(args, "y*Onn:split_columns", &block, &wanted, &maxsplit, &ncols))
        return NULL;
    buf = block.buf;
    endp = buf + block.len;
    wseq = PySequence_Fast(wanted, "wanted");
    if (wseq == NULL) goto done;
    nw = PySequence_Fast_GET_SIZE(wseq);
    if (nw < 1 || nw > 256) {
        PyErr_SetString(PyExc_ValueError, "1..256 wanted columns");
        goto done;
    }
    for (k = 0; k < nw; k++) {
        idx[k] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(wseq, k));
        if (idx[k] == -1 && PyErr_Occurred()) goto done;
        if (idx[k] < 0 || (k > 0 && idx[k] <= idx[k - 1]) ||
            (maxsplit >= 0 ? idx[k] >= maxsplit : idx[k] >= ncols)) {
            PyErr_SetString(PyExc_ValueError, "wanted: sorted distinct indexes of split fields");
            goto done;
        }
    }
    rows = 1;
    {
        const char *p = buf;
        while ((p = memchr(p, '\n', (size_t)(endp - p))) != NULL) {
            rows++;
            p++;
        }
    }
    spans = PyBytes_FromStringAndSize(NULL, rows * nw * 2 * (Py_ssize_t)sizeof(Py_ssize_t));
    cols = PyList_New(nw);
    if (spans == NULL || cols == NULL) goto done;
    for (k = 0; k < nw; k++) {
        PyObject *col = PyList_New(rows);
        if (col == NULL) goto done;
        PyList_SET_ITEM(cols, k, col);
    }
    sp = (Py_ssize_t *)PyBytes_AS_STRING(spans);
    pos = 0;
    for (r = 0; r < rows; r++) {
        const char *row = buf + pos, *nl = memchr(row, '\n', (size_t)(endp - row));
        const char *rowend = nl ? nl : endp, *p = row;
        Py_ssize_t field = 0, w = 0;
        /* walk the fields up to the last one needed; count tabs as split() would */
        for (;;) {
            const char *tab = memchr(p, '\t', (size_t)(rowend - p));
            const char *fend = tab ? tab : rowend;
            if (w < nw && idx[w] == field) {
                PyObject *f = PyBytes_FromStringAndSize(p, fend - p);
                if (f == NULL) goto done;
                PyList_SET_ITEM(PyList_GET_ITEM(cols, w), r, f);
                sp[2 * (r * nw + w)] = p - buf;
                sp[2 * (r * nw + w) + 1] = fend - buf;
                w++;
            }
            if (tab == NULL) break;
            field++;
            p = tab + 1;
            if (maxsplit >= 0 && field == maxsplit) break; /* the rest is one field */
        }
        if (maxsplit >= 0 ? field != maxsplit : field != ncols - 1) goto decline;
        pos = (rowend - buf) + 1;
    }
    result = Py_BuildValue("(OOn)", cols, spans, rows);
    goto done;
decline:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(wseq);
    Py_XDECREF(cols);
    Py_XDECREF(spans);
    PyBuffer_Release(&block);
    return result;
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
    {"pool_pick", pool_pick, METH_VARARGS,
     "pool_pick(prefix, size, fields, pool): pool[int(digest) % len(pool)] per field"},
    {"hex_digest", hex_digest, METH_VARARGS,
     "hex_digest(prefix, size, length, out_prefix, fields): out_prefix + hex[:length]"},
    {"email", email, METH_VARARGS, "email(prefix, names, tag_bytes, at_domain, fields)"},
    {"mask", mask, METH_VARARGS, "mask(keep_first, keep_last, char, fields)"},
    {"date_shift", date_shift, METH_VARARGS, "date_shift(prefix, max_days, fields)"},
    {"int_permute", int_permute, METH_VARARGS, "int_permute(prefixes, bits, fields)"},
    {"split_columns", split_columns, METH_VARARGS,
     "split_columns(block, wanted, maxsplit, ncols) -> (columns, spans, rows) | None"},
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

PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&module); }
