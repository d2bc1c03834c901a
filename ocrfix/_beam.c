/*
 * ocrfix._beam: the candidate search of ocrfix.errormodel, in C.
 *
 * An optional accelerator. ErrorModel.candidates (pure Python) is the
 * reference; this module runs the same beam search over the same inputs and
 * returns the same complete readings in the same order (a test checks that).
 * It knows nothing about error models or Swedish: Python prepares, for each
 * OCR position, the list of readings allowed there, and a sorted table of
 * lexicon keys (UTF-8, byte order) with their role bits.
 *
 * Lexicon(keys, offsets, roles): keys = concatenated UTF-8 keys sorted
 *   bytewise, offsets = uint32[n + 1] into keys, roles = uint32[n].
 * search(lexicons, options, beam, margin, max_edits, max_generic, head_mask[, floor])
 *   options[i] = list of (k, truth_utf8, logp, is_edit, is_generic), or the
 *   same packed as an Options object;
 *   no reading below ``floor`` (log P, default -inf) is extended;
 *   returns [(output_utf8, logp), ...] for the final position, in the order
 *   the pure-Python search inserts them into its final dict.
 * ranked(lexicons, options, beam, margin, max_edits, max_generic, head_mask, floor, limit, validity)
 *   the same search, finished as ErrorModel._candidates finishes it: each
 *   non-empty output once at its best logp (none below floor), best first
 *   (ties in the order found), the first `limit` of them, as
 *   [(output_str, logp, flag)] with check_words' flag (validity = its
 *   arguments after the words; 2 also for an output not all letters).
 * NearPool(): strings for ocrfix.fuzzy's similarity look-ups, with their
 *   prefilter (see NearPool below).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <math.h>

#define MAXB 192
/* Keys scanned for the bytes that may follow a part: a scan of a few
 * kilobytes in order costs less than the look-ups it spares, each a cache
 * miss in a table of megabytes (64 keys: 10 % more time in the search). */
#define FOLLOW_SCAN 256
#define PREFETCH_OPTIONS 128  /* a position's options whose remembered ranges are fetched ahead */

#if defined(__GNUC__)
#define prefetch(p) __builtin_prefetch(p)
#else
#define prefetch(p) ((void)(p))
#endif

/* ---------------------------------------------------------------- Lexicon */

/* The range of keys starting with a prefix depends on the prefix alone, and
 * the searches of a document ask for the same short prefixes again and again
 * (`för`, `verk`, `sam`): a direct-mapped table remembers the last range found
 * for each slot's prefix, sparing the binary searches over the whole table
 * (a cache miss at nearly every step). */
#define RANGE_BITS 16
#define RANGE_KEY 22
typedef struct {
    uint64_t h;
    int32_t lo, hi;
    unsigned char len;     /* 0: empty slot */
    unsigned char key[RANGE_KEY];
    unsigned char found;
} RangeEntry;

typedef struct {
    PyObject_HEAD
    Py_buffer keys, offsets, roles;
    Py_ssize_t n;
    uint64_t *prefix8;     /* first 8 bytes of each key, big-endian, zero-padded */
    RangeEntry *ranges;    /* 1 << RANGE_BITS entries, allocated on first use */
} Lexicon;

static inline uint64_t pack8(const unsigned char *s, Py_ssize_t len) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* one copy and a byte swap: this runs at every range look-up the table has not remembered */
    uint64_t v = 0;
    memcpy(&v, s, len < 8 ? (size_t)len : 8);
    return __builtin_bswap64(v);
#else
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | (i < len ? s[i] : 0);
    return v;
#endif
}

static void Lexicon_dealloc(Lexicon *self) {
    if (self->keys.obj) PyBuffer_Release(&self->keys);
    if (self->offsets.obj) PyBuffer_Release(&self->offsets);
    if (self->roles.obj) PyBuffer_Release(&self->roles);
    free(self->prefix8);
    free(self->ranges);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Lexicon_init(Lexicon *self, PyObject *args, PyObject *kw) {
    PyObject *k, *o, *r;
    if (!PyArg_ParseTuple(args, "OOO", &k, &o, &r)) return -1;
    if (PyObject_GetBuffer(k, &self->keys, PyBUF_SIMPLE) < 0) return -1;
    if (PyObject_GetBuffer(o, &self->offsets, PyBUF_SIMPLE) < 0) return -1;
    if (PyObject_GetBuffer(r, &self->roles, PyBUF_SIMPLE) < 0) return -1;
    self->n = self->roles.len / 4;
    if (self->offsets.len / 4 != self->n + 1) {
        PyErr_SetString(PyExc_ValueError, "offsets must have one more entry than roles");
        return -1;
    }
    free(self->prefix8);
    free(self->ranges);
    self->ranges = NULL;
    self->prefix8 = (uint64_t *)malloc(sizeof(uint64_t) * (self->n ? self->n : 1));
    if (!self->prefix8) { PyErr_NoMemory(); return -1; }
    const uint32_t *off = (const uint32_t *)self->offsets.buf;
    const unsigned char *keys = (const unsigned char *)self->keys.buf;
    for (Py_ssize_t i = 0; i < self->n; i++) self->prefix8[i] = pack8(keys + off[i], off[i + 1] - off[i]);
    return 0;
}

static inline const unsigned char *key_at(const Lexicon *lx, Py_ssize_t i, Py_ssize_t *len) {
    const uint32_t *off = (const uint32_t *)lx->offsets.buf;
    *len = off[i + 1] - off[i];
    return (const unsigned char *)lx->keys.buf + off[i];
}

/* index of the first key >= s */
static Py_ssize_t lower_bound(const Lexicon *lx, const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t lo = 0, hi = lx->n;
    while (lo < hi) {
        Py_ssize_t mid = (lo + hi) / 2, klen;
        const unsigned char *k = key_at(lx, mid, &klen);
        Py_ssize_t m = klen < len ? klen : len;
        int c = memcmp(k, s, m);
        if (c < 0 || (c == 0 && klen < len)) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static inline int key_cmp(const unsigned char *k, Py_ssize_t klen, const unsigned char *s, Py_ssize_t len) {
    /* <0, 0, >0 as bytewise comparison of k and s (shorter first on a tie) */
    Py_ssize_t m = klen < len ? klen : len;
    for (Py_ssize_t i = 0; i < m; i++)
        if (k[i] != s[i]) return (int)k[i] - (int)s[i];
    return (klen > len) - (klen < len);
}

/* Narrow [*lo, *hi) -- keys starting with some prefix of s -- to the keys
 * starting with s itself. Returns whether any is left. */
static int narrow(const Lexicon *lx, const unsigned char *s, Py_ssize_t len, Py_ssize_t *lo, Py_ssize_t *hi) {
    Py_ssize_t a = *lo, b = *hi, klen;
    if (len <= 8) {  /* whole comparison on the packed prefixes: no pointer chasing */
        const uint64_t *p8 = lx->prefix8;
        uint64_t target = pack8(s, len);
        uint64_t mask = len == 8 ? ~(uint64_t)0 : ~((~(uint64_t)0) >> (8 * len));
        while (a < b) {
            Py_ssize_t mid = (a + b) / 2;
            if (p8[mid] < target) a = mid + 1; else b = mid;
        }
        Py_ssize_t first = a;
        if (first >= *hi || (p8[first] & mask) != target) { *lo = *hi = first; return 0; }
        b = *hi;
        while (a < b) {
            Py_ssize_t mid = (a + b) / 2;
            if ((p8[mid] & mask) == target) a = mid + 1; else b = mid;
        }
        *lo = first; *hi = a;
        return 1;
    }
    while (a < b) {  /* first key >= s */
        Py_ssize_t mid = (a + b) / 2;
        const unsigned char *k = key_at(lx, mid, &klen);
        if (key_cmp(k, klen, s, len) < 0) a = mid + 1; else b = mid;
    }
    Py_ssize_t first = a;
    if (first >= *hi) { *lo = *hi = first; return 0; }
    const unsigned char *k = key_at(lx, first, &klen);
    if (!(klen >= len && memcmp(k, s, len) == 0)) { *lo = *hi = first; return 0; }
    b = *hi;
    while (a < b) {  /* first key that does not start with s */
        Py_ssize_t mid = (a + b) / 2;
        k = key_at(lx, mid, &klen);
        if (klen >= len && memcmp(k, s, len) == 0) a = mid + 1; else b = mid;
    }
    *lo = first; *hi = a;
    return 1;
}

/* FNV-1a */
#define FNV_START 1469598103934665603ULL

static inline uint64_t fnv_more(uint64_t h, const unsigned char *s, int len) {
    for (int i = 0; i < len; i++) { h ^= s[i]; h *= 1099511628211ULL; }
    return h;
}

/* The slot of the table of remembered ranges for a prefix of hash h. */
static inline RangeEntry *range_slot(const Lexicon *lx, uint64_t h) {
    return &lx->ranges[(h ^ (h >> 29)) & (((uint64_t)1 << RANGE_BITS) - 1)];
}

/* narrow() through the table of remembered ranges; the same results. The
 * starting range is always that of a prefix of s (see search, part_lookup), so the range
 * found is that of s in the whole table, whatever range it started from.
 * h is fnv_more(FNV_START, s, len): the search hashes a hypothesis's part once
 * and extends that hash by each option's bytes (FNV-1a is a running hash). */
static int narrow_remembered_h(Lexicon *lx, const unsigned char *s, Py_ssize_t len, uint64_t h,
                               Py_ssize_t *lo, Py_ssize_t *hi) {
    if (len == 0 || len > RANGE_KEY || lx->n > INT32_MAX) return narrow(lx, s, len, lo, hi);
    if (!lx->ranges) {
        lx->ranges = (RangeEntry *)calloc((size_t)1 << RANGE_BITS, sizeof(RangeEntry));
        if (!lx->ranges) return narrow(lx, s, len, lo, hi);
    }
    RangeEntry *e = range_slot(lx, h);
    if (e->len == len && e->h == h && memcmp(e->key, s, len) == 0) {
        *lo = e->lo; *hi = e->hi;
        return e->found;
    }
    int found = narrow(lx, s, len, lo, hi);
    e->h = h; e->len = (unsigned char)len; memcpy(e->key, s, len);
    e->lo = (int32_t)*lo; e->hi = (int32_t)*hi; e->found = (unsigned char)found;
    return found;
}

static int narrow_remembered(Lexicon *lx, const unsigned char *s, Py_ssize_t len, Py_ssize_t *lo, Py_ssize_t *hi) {
    uint64_t h = len > 0 && len <= RANGE_KEY ? fnv_more(FNV_START, s, (int)len) : 0;  /* (unused otherwise) */
    return narrow_remembered_h(lx, s, len, h, lo, hi);
}

static int lx_has_prefix(const Lexicon *lx, const unsigned char *s, Py_ssize_t len) {
    if (len <= 8) { Py_ssize_t lo = 0, hi = lx->n; return narrow(lx, s, len, &lo, &hi); }
    Py_ssize_t i = lower_bound(lx, s, len), klen;
    if (i >= lx->n) return 0;
    const unsigned char *k = key_at(lx, i, &klen);
    return klen >= len && memcmp(k, s, len) == 0;
}

static uint32_t lx_roles(const Lexicon *lx, const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t i = lower_bound(lx, s, len), klen;
    if (i >= lx->n) return 0;
    const unsigned char *k = key_at(lx, i, &klen);
    if (klen == len && memcmp(k, s, len) == 0) return ((const uint32_t *)lx->roles.buf)[i];
    return 0;
}

static PyObject *Lexicon_has_prefix(Lexicon *self, PyObject *arg) {
    char *s; Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &s, &len) < 0) return NULL;
    return PyBool_FromLong(lx_has_prefix(self, (const unsigned char *)s, len));
}

static PyObject *Lexicon_roles(Lexicon *self, PyObject *arg) {
    char *s; Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &s, &len) < 0) return NULL;
    return PyLong_FromUnsignedLong(lx_roles(self, (const unsigned char *)s, len));
}

/* Is s a key? It would be the first key not below it: for a short s found
 * on the packed prefixes (keys hold no 0 byte, so no other key packs as s
 * does), else by the keys themselves. */
static int lx_contains(const Lexicon *lx, const unsigned char *s, Py_ssize_t len) {
    Py_ssize_t i, klen;
    if (len <= 8) {
        const uint64_t *p8 = lx->prefix8;
        uint64_t target = pack8(s, len);
        Py_ssize_t lo = 0, hi = lx->n;
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (p8[mid] < target) lo = mid + 1; else hi = mid;
        }
        i = lo;
    } else {
        i = lower_bound(lx, s, len);
    }
    if (i >= lx->n) return 0;
    const unsigned char *k = key_at(lx, i, &klen);
    return klen == len && memcmp(k, s, len) == 0;
}

static PyObject *Lexicon_contains(Lexicon *self, PyObject *arg) {
    char *s; Py_ssize_t len;
    if (PyBytes_AsStringAndSize(arg, &s, &len) < 0) return NULL;
    return PyBool_FromLong(lx_contains(self, (const unsigned char *)s, len));
}

static PyMethodDef Lexicon_methods[] = {
    {"has_prefix", (PyCFunction)Lexicon_has_prefix, METH_O, "Does some key start with these UTF-8 bytes?"},
    {"contains", (PyCFunction)Lexicon_contains, METH_O, "Is this (UTF-8) a key?"},
    {"roles", (PyCFunction)Lexicon_roles, METH_O, "Role bits of a key (0 if absent)."},
    {NULL}
};

static PyTypeObject LexiconType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ocrfix._beam.Lexicon",
    .tp_basicsize = sizeof(Lexicon),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Lexicon_init,
    .tp_dealloc = (destructor)Lexicon_dealloc,
    .tp_methods = Lexicon_methods,
    .tp_doc = "Sorted UTF-8 keys with role bits, for prefix and exact look-ups.",
};

/* ------------------------------------------------------------ the search */

typedef struct {
    int k;                 /* OCR characters consumed */
    const char *t;         /* truth text (UTF-8) */
    Py_ssize_t tlen;
    double lp;
    int is_edit, is_gen;
    Py_ssize_t lo, hi;     /* keys of the main lexicon starting with t (a new compound part) */
    int viable;            /* some lexicon has a key starting with t */
} Option;

/* Options(list of (k, truth_utf8, logp, is_edit, is_generic)): the readings
 * allowed at one position, packed once (ErrorModel caches them per OCR text
 * ahead) so that a search copies them instead of converting the tuples at
 * every position of every search. The truth bytes are kept in one block. */
typedef struct {
    PyObject_HEAD
    Option *items;
    unsigned char *text;
    Py_ssize_t n;
} Options;

static void Options_dealloc(Options *self) {
    free(self->items); free(self->text);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Option j of a reading tuple (k, truth_utf8, logp, is_edit, is_generic), its
 * truth pointing into the bytes object; -1 with an exception set if malformed. */
static int option_from_tuple(PyObject *tup, Option *op) {
    if (!PyTuple_Check(tup) || PyTuple_GET_SIZE(tup) != 5) {
        PyErr_SetString(PyExc_TypeError, "an option is (k, truth_utf8, logp, is_edit, is_generic)");
        return -1;
    }
    char *t; Py_ssize_t tl;
    if (PyBytes_AsStringAndSize(PyTuple_GET_ITEM(tup, 1), &t, &tl) < 0) return -1;
    op->k = (int)PyLong_AsLong(PyTuple_GET_ITEM(tup, 0));
    op->t = t; op->tlen = tl;
    op->lp = PyFloat_AsDouble(PyTuple_GET_ITEM(tup, 2));
    op->is_edit = (int)PyLong_AsLong(PyTuple_GET_ITEM(tup, 3));
    op->is_gen = (int)PyLong_AsLong(PyTuple_GET_ITEM(tup, 4));
    op->viable = -1;  /* computed on first use, per search */
    return PyErr_Occurred() ? -1 : 0;
}

static int Options_init(Options *self, PyObject *args, PyObject *kw) {
    PyObject *seq;
    if (!PyArg_ParseTuple(args, "O", &seq)) return -1;
    PyObject *fast = PySequence_Fast(seq, "options must be a sequence");
    if (!fast) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast), total = 0;
    Option *items = (Option *)malloc(sizeof(Option) * (n ? n : 1));
    if (!items) { Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t j = 0; j < n; j++) {
        if (option_from_tuple(PySequence_Fast_GET_ITEM(fast, j), &items[j]) < 0) { free(items); Py_DECREF(fast); return -1; }
        total += items[j].tlen;
    }
    unsigned char *text = (unsigned char *)malloc(total ? total : 1);
    if (!text) { free(items); Py_DECREF(fast); PyErr_NoMemory(); return -1; }
    for (Py_ssize_t j = 0, at = 0; j < n; j++) {  /* the truths copied out of the tuples' bytes */
        memcpy(text + at, items[j].t, items[j].tlen);
        items[j].t = (const char *)text + at;
        at += items[j].tlen;
    }
    Py_DECREF(fast);
    free(self->items); free(self->text);
    self->items = items; self->text = text; self->n = n;
    return 0;
}

static Py_ssize_t Options_len(Options *self) { return self->n; }

static PySequenceMethods Options_as_sequence = {.sq_length = (lenfunc)Options_len};

static PyTypeObject OptionsType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ocrfix._beam.Options",
    .tp_basicsize = sizeof(Options),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Options_init,
    .tp_dealloc = (destructor)Options_dealloc,
    .tp_as_sequence = &Options_as_sequence,
    .tp_doc = "The readings allowed at one OCR position, packed for search() and ranked().",
};

/* The hypotheses' output bytes live in one arena per search, written once:
 * a hypothesis that reads nothing more (a dropped OCR character) shares its
 * parent's bytes, and a hypothesis stays small (its slot's array is walked
 * and sorted at every position). */
typedef struct ArenaBlock {
    struct ArenaBlock *next;
    size_t used, cap;
    unsigned char data[];
} ArenaBlock;

typedef struct { ArenaBlock *head; } Arena;

static unsigned char *arena_alloc(Arena *a, size_t n) {
    if (!a->head || a->head->used + n > a->head->cap) {
        size_t cap = n > 65536 ? n : 65536;
        ArenaBlock *b = (ArenaBlock *)malloc(sizeof(ArenaBlock) + cap);
        if (!b) return NULL;
        b->next = a->head; b->used = 0; b->cap = cap;
        a->head = b;
    }
    unsigned char *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

static void arena_free(Arena *a) {
    while (a->head) { ArenaBlock *b = a->head; a->head = b->next; free(b); }
}

typedef struct {
    const unsigned char *out;  /* output bytes (in the search's arena) */
    uint64_t fnv;          /* FNV-1a hash of out */
    int len, ps;           /* output bytes, start of the current compound part */
    Py_ssize_t lo, hi;     /* keys of the main lexicon that start with the current part */
    double lp;
    int edits, gen;
    long order;            /* insertion order (ties sort like Python's stable sort) */
} Hyp;

typedef struct {
    Hyp *items;            /* in insertion order; never zeroed */
    int n, cap;
    int32_t *table;        /* open addressing: index into items, or -1 */
    int tcap;
} Slot;

/* The arrays of slots already searched, for the slots after them: a search
 * fills its positions left to right and is done with one position at each
 * step, and its slots' arrays were each allocated and grown anew. */
#define SPARE_SLOTS 8
typedef struct { Slot slot[SPARE_SLOTS]; int n; } Spares;

/* Done with slot s: its arrays go to the spares (or are freed). */
static void slot_recycle(Slot *s, Spares *spares) {
    if (s->tcap && spares->n < SPARE_SLOTS) {
        spares->slot[spares->n++] = *s;
    } else {
        free(s->items); free(s->table);
    }
    s->items = NULL; s->table = NULL; s->n = s->cap = s->tcap = 0;
}

/* An empty slot's arrays: a spare's, emptied (its table all -1). */
static void slot_adopt(Slot *s, Spares *spares) {
    *s = spares->slot[--spares->n];
    s->n = 0;
    memset(s->table, 0xFF, sizeof(int32_t) * s->tcap);
}

static inline uint64_t slot_hash(uint64_t fnv, int ps) {
    return fnv ^ (uint64_t)ps * 0x9E3779B97F4A7C15ULL;
}

static int slot_rehash(Slot *s, int tcap) {
    int32_t *t = (int32_t *)malloc(sizeof(int32_t) * tcap);
    if (!t) { PyErr_NoMemory(); return -1; }
    memset(t, 0xFF, sizeof(int32_t) * tcap);
    int mask = tcap - 1;
    for (int i = 0; i < s->n; i++) {
        uint64_t h = slot_hash(s->items[i].fnv, s->items[i].ps);
        int j = (int)(h & mask);
        while (t[j] >= 0) j = (j + 1) & mask;
        t[j] = i;
    }
    free(s->table);
    s->table = t; s->tcap = tcap;
    return 0;
}

/* Put the reading `from` + b (from == NULL: the empty start) into slot s,
 * keeping the better log-probability of a reading already there. */
static int slot_put(Slot *s, Arena *arena, Spares *spares, const Hyp *from, const unsigned char *b, int blen, int ps,
                    double lp, int edits, int gen, Py_ssize_t lo, Py_ssize_t hi) {
    const unsigned char *a = from ? from->out : NULL;
    int alen = from ? from->len : 0;
    int len = alen + blen;
    if (len > MAXB) return 0;  /* cannot happen within MAX_TOKEN; ignore defensively */
    uint64_t fnv = fnv_more(from ? from->fnv : FNV_START, b, blen);
    if (!s->tcap && spares->n) slot_adopt(s, spares);
    if ((s->n + 1) * 2 > s->tcap && slot_rehash(s, s->tcap ? s->tcap * 2 : 64) < 0) return -1;
    uint64_t h = slot_hash(fnv, ps);
    int mask = s->tcap - 1;
    for (int i = (int)(h & mask);; i = (i + 1) & mask) {
        int32_t idx = s->table[i];
        if (idx < 0) {
            const unsigned char *out = a;
            if (blen || !a) {
                unsigned char *o = arena_alloc(arena, len ? (size_t)len : 1);
                if (!o) { PyErr_NoMemory(); return -1; }
                if (alen) memcpy(o, a, alen);
                if (blen) memcpy(o + alen, b, blen);
                out = o;
            }
            if (s->n == s->cap) {
                int ncap = s->cap ? s->cap * 2 : 32;
                Hyp *tmp = (Hyp *)realloc(s->items, sizeof(Hyp) * ncap);
                if (!tmp) { PyErr_NoMemory(); return -1; }
                s->items = tmp; s->cap = ncap;
            }
            Hyp *x = &s->items[s->n];
            x->out = out; x->fnv = fnv;
            x->len = len; x->ps = ps; x->lp = lp; x->edits = edits; x->gen = gen;
            x->lo = lo; x->hi = hi;
            x->order = s->n;
            s->table[i] = s->n++;
            return 0;
        }
        Hyp *x = &s->items[idx];
        if (x->fnv == fnv && x->len == len && x->ps == ps && (alen == 0 || memcmp(x->out, a, alen) == 0)
                && (blen == 0 || memcmp(x->out + alen, b, blen) == 0)) {
            if (lp > x->lp) { x->lp = lp; x->edits = edits; x->gen = gen; }
            return 0;
        }
    }
}

static void slot_free(Slot *s) {
    free(s->items); free(s->table);
    s->items = NULL; s->table = NULL; s->n = s->cap = s->tcap = 0;
}

/* The order a slot's hypotheses are expanded in: the more probable first,
 * then in insertion order (as the Python reference's stable sort). */
static inline int hyp_before(const Hyp *x, const Hyp *y) {
    return x->lp > y->lp || (x->lp == y->lp && x->order < y->order);
}

/* The first k hypotheses of a slot in that order, into out; how many there
 * are. The same as sorting the slot and taking k -- the order is total --
 * without sorting the rest: each hypothesis is inserted into the sorted
 * best-k so far, and most, worse than the k-th, cost one comparison. */
static int best_first(Hyp *items, int n, Hyp **out, int k) {
    int m = 0;
    for (int j = 0; j < n; j++) {
        Hyp *h = &items[j];
        if (m == k && !hyp_before(h, out[k - 1])) continue;
        int p = m < k ? m++ : k - 1;  /* a full list drops its last */
        while (p > 0 && hyp_before(h, out[p - 1])) { out[p] = out[p - 1]; p--; }
        out[p] = h;
    }
    return m;
}

static int utf8_chars(const unsigned char *s, int len) {
    int n = 0;
    for (int i = 0; i < len; i++) n += (s[i] & 0xC0) != 0x80;
    return n;
}

typedef struct { Lexicon **lx; int n; } Lexicons;

static uint32_t any_roles(const Lexicons *L, const unsigned char *s, int len) {
    uint32_t r = 0;
    for (int i = 0; i < L->n; i++) r |= lx_roles(L->lx[i], s, len);
    return r;
}

/* Roles of a hypothesis's current part: if the part is a key of the main
 * lexicon it is the first key of the part's range. */
static uint32_t part_roles(const Lexicons *L, const Hyp *hp, const unsigned char *part, int plen) {
    uint32_t r = 0;
    if (L->n && hp->lo < hp->hi) {
        Py_ssize_t klen;
        const unsigned char *k = key_at(L->lx[0], hp->lo, &klen);
        if (klen == plen && memcmp(k, part, plen) == 0) r = ((const uint32_t *)L->lx[0]->roles.buf)[hp->lo];
    }
    for (int x = 1; x < L->n; x++) r |= lx_roles(L->lx[x], part, plen);
    return r;
}

/* What a search returns, made from its final position's readings (in
 * insertion order) while the search's memory is still there. */
typedef PyObject *(*FinishFn)(const Slot *fin, const Lexicons *L, void *ctx);

/* The beam search proper (see the module comment), shared by search() and ranked(). */
static PyObject *run_search(PyObject *lexlist, PyObject *options, int beam, double margin, int max_edits,
                            int max_generic, unsigned long head_mask, double abs_floor, FinishFn finish, void *ctx) {
    Lexicons L;
    L.n = (int)PyList_GET_SIZE(lexlist);
    L.lx = (Lexicon **)malloc(sizeof(Lexicon *) * (L.n ? L.n : 1));
    for (int i = 0; i < L.n; i++) {
        PyObject *o = PyList_GET_ITEM(lexlist, i);
        if (!PyObject_TypeCheck(o, &LexiconType)) {
            free(L.lx);
            PyErr_SetString(PyExc_TypeError, "lexicons must be ocrfix._beam.Lexicon objects");
            return NULL;
        }
        L.lx[i] = (Lexicon *)o;
    }

    int n = (int)PyList_GET_SIZE(options);
    /* unpack the options */
    Option **opts = (Option **)calloc(n ? n : 1, sizeof(Option *));
    int *nopts = (int *)calloc(n ? n : 1, sizeof(int));
    Slot *slots = (Slot *)calloc(n + 1, sizeof(Slot));
    Hyp **order = NULL;
    Arena arena = {NULL};
    Spares spares = {.n = 0};
    PyObject *result = NULL;
    for (int i = 0; i < n; i++) {  /* each position's options: packed (Options, copied) or a list of tuples */
        PyObject *lst = PyList_GET_ITEM(options, i);
        int packed = PyObject_TypeCheck(lst, &OptionsType);
        if (!packed && !PyList_Check(lst)) {
            PyErr_SetString(PyExc_TypeError, "options[i] must be an Options object or a list of tuples");
            goto done;
        }
        int m = packed ? (int)((Options *)lst)->n : (int)PyList_GET_SIZE(lst);
        opts[i] = (Option *)malloc(sizeof(Option) * (m ? m : 1));
        if (!opts[i]) { PyErr_NoMemory(); goto done; }
        nopts[i] = m;
        if (packed) {
            memcpy(opts[i], ((Options *)lst)->items, sizeof(Option) * m);  /* (viable is -1 in the packed copy) */
        } else {
            for (int j = 0; j < m; j++)
                if (option_from_tuple(PyList_GET_ITEM(lst, j), &opts[i][j]) < 0) goto done;
        }
    }

    Py_ssize_t all_hi = L.n ? L.lx[0]->n : 0;
    if (slot_put(&slots[0], &arena, &spares, NULL, (const unsigned char *)"", 0, 0, 0.0, 0, 0, 0, all_hi) < 0) goto done;
    if (beam > 0 && !(order = (Hyp **)malloc(sizeof(Hyp *) * beam))) { PyErr_NoMemory(); goto done; }
    for (int i = 0; i < n; i++) {
        Slot *cur = &slots[i];
        if (!cur->n || beam <= 0) continue;
        int take = best_first(cur->items, cur->n, order, beam);
        double floor = order[0]->lp - margin;
        if (floor < abs_floor) floor = abs_floor;
        for (int q = 0; q < take; q++) {
            Hyp *hp = order[q];
            if (hp->lp < floor) break;
            const unsigned char *part = hp->out + hp->ps;
            int plen = hp->len - hp->ps;
            int head = -1;  /* unknown yet */
            /* the same for every option: the part's hash (see narrow_remembered_h),
             * and whether it is long enough to be a compound's head */
            uint64_t part_h = fnv_more(FNV_START, part, plen);
            int may_head = plen >= 2 && utf8_chars(part, plen < 5 ? plen : 5) >= 2;  /* (a second character starts by byte 5) */
            /* the part and an option's text after it, looked up as one: the part copied once */
            unsigned char probe[MAXB];
            memcpy(probe, part, plen);
            /* Deep in a word few keys remain: the bytes that can follow the part,
             * read off those keys, spare the look-up of every option that cannot
             * continue it (most of the any-letter readings). Main lexicon only. */
            uint32_t follow[8];
            int have_follow = 0;
            if (L.n == 1 && hp->hi - hp->lo <= FOLLOW_SCAN) {
                memset(follow, 0, sizeof(follow));
                if (plen < 8) {  /* the byte is in the packed prefixes (0: the key ends; keys hold no 0 byte) */
                    const uint64_t *p8 = L.lx[0]->prefix8;
                    int shift = 8 * (7 - plen);
                    for (Py_ssize_t x = hp->lo; x < hp->hi; x++) {
                        unsigned b = (unsigned)(p8[x] >> shift) & 0xFF;
                        if (b) follow[b >> 5] |= 1u << (b & 31);
                    }
                } else {
                    for (Py_ssize_t x = hp->lo; x < hp->hi; x++) {
                        Py_ssize_t klen;
                        const unsigned char *k = key_at(L.lx[0], x, &klen);
                        if (klen > plen) follow[k[plen] >> 5] |= 1u << (k[plen] & 31);
                    }
                }
                have_follow = 1;
            }
            /* The part and each option's text are looked up in the table of
             * remembered ranges (a cache miss each, in a table of megabytes):
             * all their slots are fetched first, together, then read. */
            uint64_t opt_h[PREFETCH_OPTIONS];
            int hashed = !have_follow && L.n && L.lx[0]->ranges && nopts[i] <= PREFETCH_OPTIONS;
            for (int j = 0; hashed && j < nopts[i]; j++) {
                const Option *op = &opts[i][j];
                opt_h[j] = fnv_more(part_h, (const unsigned char *)op->t, (int)op->tlen);
                if (op->tlen && plen + op->tlen <= RANGE_KEY && hp->edits + op->is_edit <= max_edits
                        && hp->gen + op->is_gen <= max_generic)
                    prefetch(range_slot(L.lx[0], opt_h[j]));
            }
            for (int j = 0; j < nopts[i]; j++) {
                Option *op = &opts[i][j];
                int e = hp->edits + op->is_edit, g = hp->gen + op->is_gen;
                if (e > max_edits || g > max_generic) continue;
                double nlp = hp->lp + op->lp;
                Slot *dst = &slots[i + op->k];
                const unsigned char *t = (const unsigned char *)op->t;
                if (!op->tlen) {
                    if (slot_put(dst, &arena, &spares, hp, t, 0, hp->ps, nlp, e, g, hp->lo, hp->hi) < 0) goto done;
                } else {
                    int can_follow = !have_follow || (follow[t[0] >> 5] >> (t[0] & 31) & 1u);
                    if (can_follow && plen + op->tlen <= MAXB) {
                        memcpy(probe + plen, t, op->tlen);
                        Py_ssize_t lo = hp->lo, hi = hp->hi;
                        /* a few keys, just scanned: narrowed in place (no remembered range to fetch) */
                        int ok = L.n && (have_follow ? narrow(L.lx[0], probe, plen + op->tlen, &lo, &hi)
                                         : narrow_remembered_h(L.lx[0], probe, plen + op->tlen,
                                                               hashed ? opt_h[j] : fnv_more(part_h, t, (int)op->tlen),
                                                               &lo, &hi));
                        for (int x = 1; !ok && x < L.n; x++) ok = lx_has_prefix(L.lx[x], probe, plen + op->tlen);
                        if (!ok) { lo = 0; hi = 0; }
                        if (ok && slot_put(dst, &arena, &spares, hp, t, (int)op->tlen, hp->ps, nlp, e, g, lo, hi) < 0) goto done;
                    }
                    if (may_head) {
                        if (head < 0) head = (part_roles(&L, hp, part, plen) & head_mask) != 0;
                        if (head && op->viable < 0) {
                            op->lo = 0; op->hi = all_hi;
                            op->viable = L.n && narrow_remembered(L.lx[0], t, op->tlen, &op->lo, &op->hi);
                            for (int x = 1; !op->viable && x < L.n; x++) op->viable = lx_has_prefix(L.lx[x], t, op->tlen);
                            if (!(L.n && op->lo < op->hi)) { op->lo = 0; op->hi = 0; }
                        }
                        if (head && op->viable && slot_put(dst, &arena, &spares, hp, t, (int)op->tlen, hp->len, nlp, e, g, op->lo, op->hi) < 0)
                            goto done;
                    }
                }
            }
        }
        slot_recycle(cur, &spares);
    }
    result = finish(&slots[n], &L, ctx);
done:
    for (int i = 0; i <= n; i++) slot_free(&slots[i]);
    for (int i = 0; i < spares.n; i++) slot_free(&spares.slot[i]);
    free(slots);
    for (int i = 0; i < n; i++) free(opts[i]);
    free(opts); free(nopts); free(order); free(L.lx);
    arena_free(&arena);
    return result;
}

/* search(): every complete reading as (output_utf8, logp), in insertion order */
static PyObject *finish_all(const Slot *fin, const Lexicons *L, void *ctx) {
    PyObject *result = PyList_New(fin->n);
    for (int j = 0; j < fin->n && result; j++) {  /* items are in insertion order */
        const Hyp *x = &fin->items[j];
        PyObject *item = Py_BuildValue("(y#d)", (const char *)x->out, (Py_ssize_t)x->len, x->lp);
        if (!item) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, j, item);
    }
    return result;
}

static PyObject *search(PyObject *mod, PyObject *args) {
    PyObject *lexlist, *options;
    int beam, max_edits, max_generic;
    double margin, abs_floor = -HUGE_VAL;
    unsigned long head_mask;
    if (!PyArg_ParseTuple(args, "O!O!idiik|d", &PyList_Type, &lexlist, &PyList_Type, &options,
                          &beam, &margin, &max_edits, &max_generic, &head_mask, &abs_floor))
        return NULL;
    return run_search(lexlist, options, beam, margin, max_edits, max_generic, head_mask, abs_floor, finish_all, NULL);
}

/* Is some key of the lexicons s[0:len], or does one start with it, and the
 * role bits of s as a key. [*lo, *hi) is the main lexicon's range of keys
 * starting with a prefix of s (narrowed here to s itself): a part grown a
 * character at a time is looked up in the range of the part before it. */
static int part_lookup(const Lexicons *L, const unsigned char *s, int len, Py_ssize_t *lo, Py_ssize_t *hi,
                       uint32_t *roles) {
    int any = 0;
    uint32_t r = 0;
    if (L->n) {
        Lexicon *lx = L->lx[0];
        if (*lo < *hi && narrow_remembered(lx, s, len, lo, hi)) {
            Py_ssize_t klen;
            key_at(lx, *lo, &klen);  /* the first key starting with s is s itself, if s is a key */
            if (klen == len) r = ((const uint32_t *)lx->roles.buf)[*lo];
            any = 1;
        } else {
            *lo = *hi = 0;
        }
    }
    for (int x = 1; x < L->n; x++) {
        if (lx_has_prefix(L->lx[x], s, len)) { any = 1; r |= lx_roles(L->lx[x], s, len); }
    }
    *roles = r;
    return any;
}

/* Is there a split of s into parts of at least min_chars characters, at most
 * max_parts of them, whose roles meet begin, middle* and end? With triple, a
 * non-final part may also be one whose last letter is doubled in s but
 * written once more in the lexicon (Hunspell's SIMPLIFIEDTRIPLE: stress +
 * syndrom written stressyndrom), so the next part starts on that letter. */
static int split_reachable(const Lexicons *L, const unsigned char *s, int n, unsigned long begin,
                           unsigned long middle, unsigned long end, int triple, int min_chars, int max_parts) {
    /* reach[i] = bitmask of part counts (0..max_parts-1) with which position i is reachable */
    uint32_t reach[MAXB + 1];
    if (n <= 0 || n > MAXB) return 0;
    if (max_parts > 32) max_parts = 32;
    memset(reach, 0, sizeof(uint32_t) * (n + 1));
    reach[0] = 1;  /* zero parts so far */
    for (int i = 0; i < n; i++) {
        if (!reach[i] || (s[i] & 0xC0) == 0x80) continue;
        int chars = 0;
        Py_ssize_t lo = 0, hi = L->n ? L->lx[0]->n : 0;
        for (int j = i + 1; j <= n; j++) {
            if (j < n && (s[j] & 0xC0) == 0x80) continue;
            chars++;
            uint32_t r;
            if (!part_lookup(L, s + i, j - i, &lo, &hi, &r)) break;
            if (chars < min_chars) continue;
            /* a doubled last letter: s[i:k] is the part, written s[i:j] in the lexicon */
            int k = j - 1;
            while (k > i && (s[k] & 0xC0) == 0x80) k--;
            int last = j - k;
            int doubled = triple && chars > min_chars && k - last >= i && memcmp(s + k - last, s + k, last) == 0;
            for (int c = 0; c < max_parts; c++) {
                if (!(reach[i] & (1u << c))) continue;
                if (j == n) {
                    if (c >= 1 && (r & end)) return 1;
                } else if (c + 1 < max_parts && (r & (c == 0 ? begin : middle))) {
                    reach[j] |= 1u << (c + 1);
                }
                if (doubled && c + 1 < max_parts && (r & (c == 0 ? begin : middle))) reach[k] |= 1u << (c + 1);
            }
        }
    }
    return 0;
}

/* A necessary condition for a Hunspell compound (the full check, with REP,
 * case and the order of COMPOUNDRULE parts, runs in Python only when this
 * says yes): a BEGIN MIDDLE* END split by the role bits, simplified triple
 * letters allowed, or a split into parts that all carry a COMPOUNDRULE bit. */
static int compound_reachable(const Lexicons *L, const unsigned char *s, int n, unsigned long begin,
                              unsigned long middle, unsigned long end, unsigned long rules, int min_chars,
                              int max_parts) {
    return split_reachable(L, s, n, begin, middle, end, 1, min_chars, max_parts)
           || (rules && split_reachable(L, s, n, rules, rules, rules, 0, min_chars, max_parts));
}

/* The validity test of check_words() for one word. */
typedef struct {
    unsigned long standalone, begin, middle, end, rules;
    int min_chars, max_parts, min_len, max_len;
} ValidityArgs;

static int word_flag(const Lexicons *L, const unsigned char *s, Py_ssize_t len, const ValidityArgs *v) {
    if (any_roles(L, s, (int)len) & v->standalone) return 1;
    int chars = utf8_chars(s, (int)len);
    return (chars >= v->min_len && chars <= v->max_len
            && compound_reachable(L, s, (int)len, v->begin, v->middle, v->end, v->rules, v->min_chars, v->max_parts))
           ? 2 : 0;
}

static int unpack_lexicons(PyObject *lexlist, Lexicons *L, Lexicon **store, int cap) {
    L->n = (int)PyList_GET_SIZE(lexlist);
    if (L->n > cap) L->n = cap;
    for (int i = 0; i < L->n; i++) {
        PyObject *o = PyList_GET_ITEM(lexlist, i);
        if (!PyObject_TypeCheck(o, &LexiconType)) {
            PyErr_SetString(PyExc_TypeError, "lexicons must be ocrfix._beam.Lexicon objects");
            return -1;
        }
        store[i] = (Lexicon *)o;
    }
    L->lx = store;
    return 0;
}

/* could_compound(lexicons, word, begin, middle, end, rules, min_chars, max_parts) */
static PyObject *could_compound(PyObject *mod, PyObject *args) {
    PyObject *lexlist;
    const char *w; Py_ssize_t wlen;
    unsigned long begin, middle, end, rules;
    int min_chars, max_parts;
    if (!PyArg_ParseTuple(args, "O!y#kkkkii", &PyList_Type, &lexlist, &w, &wlen, &begin, &middle, &end, &rules,
                          &min_chars, &max_parts))
        return NULL;
    Lexicons L;
    Lexicon *lxs[8];
    if (unpack_lexicons(lexlist, &L, lxs, 8) < 0) return NULL;
    return PyBool_FromLong(compound_reachable(&L, (const unsigned char *)w, (int)wlen, begin, middle, end, rules,
                                              min_chars, max_parts));
}

/* check_words(lexicons, words, standalone, begin, middle, end, rules, min_chars, max_parts, min_len, max_len):
 * for each UTF-8 word (letters only, lower case) 1 if some lexicon has it with
 * the standalone bit, 0 if it cannot be valid (no such key, and no compound:
 * fewer than min_len or more than max_len characters, or no split that
 * compound_reachable allows), 2 if it may be a compound (the caller runs the
 * full check). */
static PyObject *check_words(PyObject *mod, PyObject *args) {
    PyObject *lexlist, *words;
    ValidityArgs v;
    if (!PyArg_ParseTuple(args, "O!O!kkkkkiiii", &PyList_Type, &lexlist, &PyList_Type, &words, &v.standalone,
                          &v.begin, &v.middle, &v.end, &v.rules, &v.min_chars, &v.max_parts, &v.min_len, &v.max_len))
        return NULL;
    Lexicons L;
    Lexicon *lxs[8];
    if (unpack_lexicons(lexlist, &L, lxs, 8) < 0) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *result = PyList_New(n);
    if (!result) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        char *w; Py_ssize_t wlen;
        if (PyBytes_AsStringAndSize(PyList_GET_ITEM(words, i), &w, &wlen) < 0) { Py_DECREF(result); return NULL; }
        PyList_SET_ITEM(result, i, PyLong_FromLong(word_flag(&L, (const unsigned char *)w, wlen, &v)));
    }
    return result;
}

/* ranked(): a distinct complete reading with its best log P, its first place
 * in insertion order breaking ties of log P (as Python's dict and stable sort) */
typedef struct { const Hyp *h; double lp; int first; } Distinct;

static int cmp_distinct(const void *a, const void *b) {
    const Distinct *x = (const Distinct *)a, *y = (const Distinct *)b;
    if (x->lp > y->lp) return -1;
    if (x->lp < y->lp) return 1;
    return (x->first > y->first) - (x->first < y->first);
}

typedef struct { double floor; int limit; ValidityArgs v; } RankedCtx;

static PyObject *finish_ranked(const Slot *fin, const Lexicons *L, void *vctx) {
    const RankedCtx *ctx = (const RankedCtx *)vctx;
    PyObject *result = NULL;
    int tcap = 16;
    while (tcap < fin->n * 2) tcap *= 2;
    Distinct *d = (Distinct *)malloc(sizeof(Distinct) * (fin->n ? fin->n : 1));
    int32_t *table = (int32_t *)malloc(sizeof(int32_t) * tcap);
    if (!d || !table) { PyErr_NoMemory(); goto out; }
    memset(table, 0xFF, sizeof(int32_t) * tcap);
    int nd = 0;
    for (int j = 0; j < fin->n; j++) {  /* the same output may end two parts (its ps differs): one reading */
        const Hyp *x = &fin->items[j];
        if (!x->len || !(x->lp >= ctx->floor) || x->lp == -HUGE_VAL) continue;  /* (as the Python: lp > -inf) */
        for (int i = (int)(x->fnv & (tcap - 1));; i = (i + 1) & (tcap - 1)) {
            int32_t k = table[i];
            if (k < 0) {
                table[i] = nd;
                d[nd].h = x; d[nd].lp = x->lp; d[nd].first = nd;
                nd++;
                break;
            }
            const Hyp *y = d[k].h;
            if (y->fnv == x->fnv && y->len == x->len && memcmp(y->out, x->out, x->len) == 0) {
                if (x->lp > d[k].lp) d[k].lp = x->lp;
                break;
            }
        }
    }
    qsort(d, nd, sizeof(Distinct), cmp_distinct);
    int take = nd < ctx->limit ? nd : ctx->limit;
    result = PyList_New(take);
    for (int j = 0; j < take && result; j++) {
        const Hyp *x = d[j].h;
        PyObject *word = PyUnicode_DecodeUTF8((const char *)x->out, x->len, "strict");
        if (!word) { Py_CLEAR(result); break; }
        int alpha = 1;  /* str.isalpha() */
        int kind = PyUnicode_KIND(word);
        const void *data = PyUnicode_DATA(word);
        for (Py_ssize_t c = 0; c < PyUnicode_GET_LENGTH(word) && alpha; c++)
            alpha = Py_UNICODE_ISALPHA(PyUnicode_READ(kind, data, c));
        int flag = alpha ? word_flag(L, x->out, x->len, &ctx->v) : 2;
        PyObject *item = Py_BuildValue("(Ndi)", word, d[j].lp, flag);
        if (!item) { Py_CLEAR(result); break; }
        PyList_SET_ITEM(result, j, item);
    }
out:
    free(d); free(table);
    return result;
}

static PyObject *ranked(PyObject *mod, PyObject *args) {
    PyObject *lexlist, *options;
    int beam, max_edits, max_generic;
    double margin;
    unsigned long head_mask;
    RankedCtx ctx;
    ValidityArgs *v = &ctx.v;
    if (!PyArg_ParseTuple(args, "O!O!idiikdi(kkkkkiiii)", &PyList_Type, &lexlist, &PyList_Type, &options,
                          &beam, &margin, &max_edits, &max_generic, &head_mask, &ctx.floor, &ctx.limit,
                          &v->standalone, &v->begin, &v->middle, &v->end, &v->rules, &v->min_chars,
                          &v->max_parts, &v->min_len, &v->max_len))
        return NULL;
    return run_search(lexlist, options, beam, margin, max_edits, max_generic, head_mask, ctx.floor, finish_ranked, &ctx);
}

/* channel(ocr, truth, add, sub, keep, rules, generic): the Viterbi alignment
 * of ErrorModel.channel_logp, over code points. Per OCR position i:
 * add[i] = cost of the OCR having added ocr[i], sub[i] = cost of ocr[i]
 * standing for another character, keep[i] = cost of it read as itself
 * (array('d') buffers); rules[i] = list of (k, truth_str, logp) for the
 * rules whose OCR side is ocr[i:i+k]. A truth character the OCR lost costs
 * generic. Same operations in the same order as the Python reference, so
 * the result is the same double. */
static PyObject *channel(PyObject *mod, PyObject *args) {
    PyObject *ocr, *truth, *rules;
    Py_buffer add, sub, keep;
    double generic;
    if (!PyArg_ParseTuple(args, "UUy*y*y*O!d", &ocr, &truth, &add, &sub, &keep, &PyList_Type, &rules, &generic))
        return NULL;
    PyObject *result = NULL;
    double *best = NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(ocr), m = PyUnicode_GET_LENGTH(truth);
    if (add.len < (Py_ssize_t)(n * sizeof(double)) || sub.len < (Py_ssize_t)(n * sizeof(double))
        || keep.len < (Py_ssize_t)(n * sizeof(double)) || PyList_GET_SIZE(rules) < n) {
        PyErr_SetString(PyExc_ValueError, "one cost and one rule list per OCR character");
        goto done;
    }
    {
        const double *a = (const double *)add.buf, *sb = (const double *)sub.buf, *kp = (const double *)keep.buf;
        int tk = PyUnicode_KIND(truth), ok = PyUnicode_KIND(ocr);
        const void *td = PyUnicode_DATA(truth), *od = PyUnicode_DATA(ocr);
        Py_ssize_t w = m + 1;
        best = (double *)malloc(sizeof(double) * (n + 1) * w);
        if (!best) { PyErr_NoMemory(); goto done; }
        for (Py_ssize_t x = 0; x < (n + 1) * w; x++) best[x] = -INFINITY;
        best[0] = 0.0;
        for (Py_ssize_t i = 0; i <= n; i++) {
            double *row = best + i * w;
            PyObject *ri = i < n ? PyList_GET_ITEM(rules, i) : NULL;
            if (ri && !PyList_Check(ri)) { PyErr_SetString(PyExc_TypeError, "rules[i] must be a list"); goto done; }
            for (Py_ssize_t j = 0; j <= m; j++) {
                double lp = row[j];
                if (lp == -INFINITY) continue;
                if (i < n) {
                    double *next = row + w;
                    Py_UCS4 ch = PyUnicode_READ(ok, od, i);
                    if (lp + a[i] > next[j]) next[j] = lp + a[i];
                    if (j < m) {
                        double cost = ch == PyUnicode_READ(tk, td, j) ? kp[i] : sb[i];
                        if (lp + cost > next[j + 1]) next[j + 1] = lp + cost;
                    }
                    Py_ssize_t nr = PyList_GET_SIZE(ri);
                    for (Py_ssize_t r = 0; r < nr; r++) {
                        PyObject *tup = PyList_GET_ITEM(ri, r);
                        Py_ssize_t k = PyLong_AsSsize_t(PyTuple_GET_ITEM(tup, 0));
                        PyObject *t = PyTuple_GET_ITEM(tup, 1);
                        double rlp = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(tup, 2));
                        Py_ssize_t tl = PyUnicode_GET_LENGTH(t);
                        if (k < 1 || i + k > n || j + tl > m) continue;
                        int tkind = PyUnicode_KIND(t);
                        const void *tdata = PyUnicode_DATA(t);
                        Py_ssize_t q = 0;
                        while (q < tl && PyUnicode_READ(tkind, tdata, q) == PyUnicode_READ(tk, td, j + q)) q++;
                        if (q < tl) continue;
                        double *cell = best + (i + k) * w + j + tl;
                        if (lp + rlp > *cell) *cell = lp + rlp;
                    }
                }
                if (j < m && lp + generic > row[j + 1]) row[j + 1] = lp + generic;  /* the OCR lost truth[j] */
            }
        }
        result = PyFloat_FromDouble(best[n * w + m]);
    }
done:
    free(best);
    PyBuffer_Release(&add); PyBuffer_Release(&sub); PyBuffer_Release(&keep);
    return result;
}

/* NearPool: strings kept one after another as code points, for
 * ocrfix.fuzzy's similarity look-ups. pool.near(query, lo, hi, order,
 * min_ratio) gives the positions j in [lo, hi) whose string -- the
 * order[j]-th (order: a uint32 buffer) or the j-th (order None) -- may be at
 * least min_ratio (0-100) similar to query by rapidfuzz's fuzz.ratio, in
 * order; None for a query longer than 64 characters (no filter). A
 * prefilter only: fuzz.ratio is 200 * LCS / (len(a) + len(b)), computed here
 * exactly (the bit-parallel LCS of Hyyrö) and kept a little below the cut,
 * so the exact scorer run on what is kept finds what it finds on all. The
 * strings lie together in memory: a scan of thousands of Python strings
 * waited on memory more than it computed. */
#define NEAR_SLACK 0.01

typedef struct {
    PyObject_HEAD
    Py_UCS4 *chars;        /* every string's code points, one string after another */
    uint32_t *starts;      /* n + 1 offsets into chars */
    Py_ssize_t n, nchars, cap_n, cap_chars;
} NearPool;

static void NearPool_dealloc(NearPool *self) {
    free(self->chars); free(self->starts);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline int popcount64(uint64_t x) {
#if defined(__GNUC__)
    return __builtin_popcountll(x);
#else
    int n = 0;
    for (; x; x &= x - 1) n++;
    return n;
#endif
}

/* Append the code points str[a:b] as one more string. */
static int pool_append(NearPool *p, int kind, const void *data, Py_ssize_t a, Py_ssize_t b) {
    if (p->n + 2 > p->cap_n) {
        Py_ssize_t cap = p->cap_n ? p->cap_n * 2 : 1024;
        uint32_t *t = (uint32_t *)realloc(p->starts, sizeof(uint32_t) * cap);
        if (!t) { PyErr_NoMemory(); return -1; }
        p->starts = t; p->cap_n = cap;
        if (!p->n) p->starts[0] = 0;
    }
    if (p->nchars + (b - a) > p->cap_chars) {
        Py_ssize_t cap = p->cap_chars ? p->cap_chars : 8192;
        while (cap < p->nchars + (b - a)) cap *= 2;
        Py_UCS4 *t = (Py_UCS4 *)realloc(p->chars, sizeof(Py_UCS4) * cap);
        if (!t) { PyErr_NoMemory(); return -1; }
        p->chars = t; p->cap_chars = cap;
    }
    if (p->nchars + (b - a) > UINT32_MAX) { PyErr_SetString(PyExc_OverflowError, "pool too large"); return -1; }
    for (Py_ssize_t i = a; i < b; i++) p->chars[p->nchars++] = PyUnicode_READ(kind, data, i);
    p->starts[++p->n] = (uint32_t)p->nchars;
    return 0;
}

static PyObject *NearPool_add(NearPool *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) { PyErr_SetString(PyExc_TypeError, "a str"); return NULL; }
    if (pool_append(self, PyUnicode_KIND(arg), PyUnicode_DATA(arg), 0, PyUnicode_GET_LENGTH(arg)) < 0) return NULL;
    Py_RETURN_NONE;
}

/* add_lines(text): each line of text ("\n"-separated) as a string, as text.split("\n") has them. */
static PyObject *NearPool_add_lines(NearPool *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) { PyErr_SetString(PyExc_TypeError, "a str"); return NULL; }
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    Py_ssize_t len = PyUnicode_GET_LENGTH(arg), a = 0;
    for (Py_ssize_t i = 0; i <= len; i++) {
        if (i == len || PyUnicode_READ(kind, data, i) == '\n') {
            if (pool_append(self, kind, data, a, i) < 0) return NULL;
            a = i + 1;
        }
    }
    Py_RETURN_NONE;
}

static Py_ssize_t NearPool_len(NearPool *self) { return self->n; }

static PyObject *NearPool_near(NearPool *self, PyObject *args) {
    PyObject *query, *order_obj;
    Py_ssize_t lo, hi;
    double min_ratio;
    if (!PyArg_ParseTuple(args, "UnnOd", &query, &lo, &hi, &order_obj, &min_ratio)) return NULL;
    Py_ssize_t m = PyUnicode_GET_LENGTH(query);
    if (m > 64) Py_RETURN_NONE;
    Py_buffer order = {0};
    if (order_obj != Py_None && PyObject_GetBuffer(order_obj, &order, PyBUF_SIMPLE) < 0) return NULL;
    const uint32_t *ord = order.obj ? (const uint32_t *)order.buf : NULL;
    if (lo < 0) lo = 0;
    if (hi > (ord ? order.len / 4 : self->n)) hi = ord ? order.len / 4 : self->n;
    /* each query character's positions as a bit mask: a table for code points below 256, a list above */
    uint64_t low[256] = {0}, high_mask[64];
    Py_UCS4 high_cp[64];
    int n_high = 0, qk = PyUnicode_KIND(query);
    const void *qd = PyUnicode_DATA(query);
    for (Py_ssize_t i = 0; i < m; i++) {
        Py_UCS4 c = PyUnicode_READ(qk, qd, i);
        if (c < 256) { low[c] |= (uint64_t)1 << i; continue; }
        int h = 0;
        while (h < n_high && high_cp[h] != c) h++;
        if (h == n_high) { high_cp[n_high] = c; high_mask[n_high++] = 0; }
        high_mask[h] |= (uint64_t)1 << i;
    }
    uint64_t all = m == 64 ? ~(uint64_t)0 : (((uint64_t)1 << m) - 1);
    PyObject *result = PyList_New(0);
    for (Py_ssize_t j = lo; result && j < hi; j++) {
        Py_ssize_t at = ord ? (Py_ssize_t)ord[j] : j;
        if (at >= self->n) continue;
        const Py_UCS4 *str = self->chars + self->starts[at];
        Py_ssize_t len = self->starts[at + 1] - self->starts[at], total = m + len;
        double need = (min_ratio - NEAR_SLACK) * (double)total;  /* 200 * LCS must reach this */
        if (total && 200.0 * (double)(len < m ? len : m) < need) continue;  /* too long or too short */
        uint64_t S = ~(uint64_t)0;
        for (Py_ssize_t x = 0; x < len; x++) {
            Py_UCS4 c = str[x];
            uint64_t M = 0;
            if (c < 256) M = low[c];
            else for (int h = 0; h < n_high; h++) if (high_cp[h] == c) { M = high_mask[h]; break; }
            uint64_t U = S & M;
            S = (S + U) | (S - U);
        }
        if (total && 200.0 * popcount64(~S & all) < need) continue;
        PyObject *k = PyLong_FromSsize_t(j);
        if (!k || PyList_Append(result, k) < 0) Py_CLEAR(result);
        Py_XDECREF(k);
    }
    if (order.obj) PyBuffer_Release(&order);
    return result;
}

static PyMethodDef NearPool_methods[] = {
    {"add", (PyCFunction)NearPool_add, METH_O, "Append one string."},
    {"add_lines", (PyCFunction)NearPool_add_lines, METH_O, "Append each line of a text (split at \\n)."},
    {"near", (PyCFunction)NearPool_near, METH_VARARGS, "Positions of the strings that may be min_ratio similar to a query."},
    {NULL}
};

static PySequenceMethods NearPool_as_sequence = {.sq_length = (lenfunc)NearPool_len};

static PyTypeObject NearPoolType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "ocrfix._beam.NearPool",
    .tp_basicsize = sizeof(NearPool),
    .tp_dealloc = (destructor)NearPool_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Strings for similarity look-ups (see near).",
    .tp_methods = NearPool_methods,
    .tp_as_sequence = &NearPool_as_sequence,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef methods[] = {
    {"search", search, METH_VARARGS, "Beam search over per-position readings, pruned by lexicon prefixes."},
    {"could_compound", could_compound, METH_VARARGS, "A necessary condition for a compound: BEGIN MIDDLE* END or rule parts by roles."},
    {"channel", channel, METH_VARARGS, "log P(ocr | truth): the best alignment under per-position costs and rules."},
    {"check_words", check_words, METH_VARARGS, "Validity of many forms: 1 a word, 0 not valid, 2 maybe a compound."},
    {"ranked", ranked, METH_VARARGS, "The search's distinct readings, best first, with check_words' validity flags."},
    {NULL}
};

static struct PyModuleDef moduledef = {PyModuleDef_HEAD_INIT, "ocrfix._beam", NULL, -1, methods};

PyMODINIT_FUNC PyInit__beam(void) {
    if (PyType_Ready(&LexiconType) < 0 || PyType_Ready(&NearPoolType) < 0 || PyType_Ready(&OptionsType) < 0) return NULL;
    PyObject *m = PyModule_Create(&moduledef);
    if (!m) return NULL;
    Py_INCREF(&LexiconType);
    PyModule_AddObject(m, "Lexicon", (PyObject *)&LexiconType);
    Py_INCREF(&NearPoolType);
    PyModule_AddObject(m, "NearPool", (PyObject *)&NearPoolType);
    Py_INCREF(&OptionsType);
    PyModule_AddObject(m, "Options", (PyObject *)&OptionsType);
    return m;
}
