/* template.c: the mustache-like language of templates/<name>.tmpl (see template.h).
 *
 * Rendering is two passes: tokenize() turns the source into a flat token
 * array (removing standalone tag lines and checking every tag), match()
 * pairs sections with a bounded stack, and only then does render_range()
 * walk it. So a malformed template fails the same way whatever the context,
 * and rendering recursion is bounded by the nesting match() accepted.
 * Templates may come from a user directory: nothing here trusts src. */
#include "base/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * Contexts
 * ------------------------------------------------------------------------- */

struct entry {
    char *name;
    char *value; /* NULL for a list */
    struct tmpl_ctx **items;
    size_t nitems;
};

struct tmpl_ctx {
    struct entry *e;
    size_t n, cap;
};

struct tmpl_ctx *tmpl_ctx_new(void) {
    return calloc(1, sizeof(struct tmpl_ctx));
}

static void wipe_str(char *s) {
    if (!s) return;
    explicit_bzero(s, strlen(s));
    free(s);
}

/* Empty an entry's value or list, keeping its name. */
static void entry_clear(struct entry *en) {
    wipe_str(en->value);
    en->value = NULL;
    for (size_t i = 0; i < en->nitems; i++) tmpl_ctx_free(en->items[i]);
    free(en->items);
    en->items = NULL;
    en->nitems = 0;
}

void tmpl_ctx_free(struct tmpl_ctx *c) {
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        entry_clear(&c->e[i]);
        free(c->e[i].name);
    }
    free(c->e);
    free(c);
}

static struct entry *find(const struct tmpl_ctx *c, const char *name, size_t nlen) {
    for (size_t i = 0; i < c->n; i++)
        if (strlen(c->e[i].name) == nlen && memcmp(c->e[i].name, name, nlen) == 0) return &c->e[i];
    return NULL;
}

/* The entry for name, created empty (a list with no items) when absent. */
static struct entry *get_or_add(struct tmpl_ctx *c, const char *name) {
    struct entry *en = find(c, name, strlen(name));
    if (en) return en;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        struct entry *ne = realloc(c->e, ncap * sizeof *ne);
        if (!ne) return NULL;
        c->e = ne;
        c->cap = ncap;
    }
    char *copy = strdup(name);
    if (!copy) return NULL;
    en = &c->e[c->n++];
    memset(en, 0, sizeof *en);
    en->name = copy;
    return en;
}

int tmpl_set(struct tmpl_ctx *c, const char *name, const char *value) {
    if (!c || !name || !value) return -1;
    char *v = strdup(value);
    if (!v) return -1;
    struct entry *en = get_or_add(c, name);
    if (!en) {
        wipe_str(v);
        return -1;
    }
    entry_clear(en);
    en->value = v;
    return 0;
}

int tmpl_setf(struct tmpl_ctx *c, const char *name, const char *fmt, ...) {
    struct buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (!rc) rc = tmpl_set(c, name, b.data ? b.data : "");
    buf_free(&b);
    return rc;
}

struct tmpl_ctx *tmpl_add_item(struct tmpl_ctx *c, const char *name) {
    if (!c || !name) return NULL;
    struct entry *en = get_or_add(c, name);
    if (!en) return NULL;
    if (en->value) entry_clear(en);
    struct tmpl_ctx **ni = realloc(en->items, (en->nitems + 1) * sizeof *ni);
    if (!ni) return NULL;
    en->items = ni;
    struct tmpl_ctx *it = tmpl_ctx_new();
    if (!it) return NULL;
    en->items[en->nitems++] = it;
    return it;
}

int tmpl_set_list(struct tmpl_ctx *c, const char *name) {
    if (!c || !name) return -1;
    struct entry *en = get_or_add(c, name);
    if (!en) return -1;
    if (en->value) entry_clear(en);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Tokenizer
 * ------------------------------------------------------------------------- */

enum tk { T_TEXT, T_VAR, T_SECTION, T_INVERTED, T_CLOSE };

struct token {
    enum tk kind;
    size_t off, len; /* the text, or the tag's name, in src */
    int line;
    size_t match; /* sections: index of the close; close: of the open */
};

struct parser {
    const char *src;
    size_t len;
    const char *origin;
    struct token *t;
    size_t n, cap;
    ri_err *e;
};

static int is_blank(char c) { return c == ' ' || c == '\t'; }

static int is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static int perr(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(struct parser *p, int line, const char *fmt, ...) {
    char why[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return ri_fail(p->e, EX_CONFIG, "%s:%d: %s", p->origin, line, why);
}

/* A name from src for an error message; names are checked by tag_name(). */
static const char *shown(const struct parser *p, const struct token *t, char out[72]) {
    snprintf(out, 72, "%.*s", (int)(t->len > 64 ? 64 : t->len), p->src + t->off);
    return out;
}

static int oom(struct parser *p) {
    return ri_fail(p->e, EX_OSERR, "%s: out of memory rendering template", p->origin);
}

static int emit(struct parser *p, enum tk kind, size_t off, size_t len, int line) {
    if (kind == T_TEXT && len == 0) return 0;
    if (p->n == p->cap) {
        size_t ncap = p->cap ? p->cap * 2 : 64;
        struct token *nt = realloc(p->t, ncap * sizeof *nt);
        if (!nt) return oom(p);
        p->t = nt;
        p->cap = ncap;
    }
    p->t[p->n++] = (struct token){kind, off, len, line, 0};
    return 0;
}

static const char *find2(const char *s, size_t from, size_t len, char c) {
    for (size_t i = from; i + 1 < len; i++)
        if (s[i] == c && s[i + 1] == c) return s + i;
    return NULL;
}

static int count_nl(const char *s, size_t a, size_t b) {
    int n = 0;
    for (size_t i = a; i < b; i++) n += s[i] == '\n';
    return n;
}

/* Parse the inside of a non-comment tag, [a, b) after the kind character:
 * optional blanks, a name, optional blanks. */
static int tag_name(struct parser *p, size_t a, size_t b, int line, size_t *off, size_t *nlen) {
    while (a < b && is_blank(p->src[a])) a++;
    while (b > a && is_blank(p->src[b - 1])) b--;
    if (a == b) return perr(p, line, "empty name in tag");
    for (size_t i = a; i < b; i++)
        if (!is_name_char(p->src[i]))
            return perr(p, line, "invalid character in tag name (allowed: A-Z a-z 0-9 _ -)");
    *off = a;
    *nlen = b - a;
    return 0;
}

/* If the tag [open, end) stands alone on its line, widen it to the whole
 * line: *text_end moves back to the line start, *next past the newline. */
static void standalone(const struct parser *p, size_t pos, size_t open, size_t end,
                       size_t *text_end, size_t *next) {
    size_t k = open;
    while (k > pos && is_blank(p->src[k - 1])) k--;
    if (k > 0 && p->src[k - 1] != '\n') return;
    size_t m = end;
    while (m < p->len && is_blank(p->src[m])) m++;
    if (m + 1 < p->len && p->src[m] == '\r' && p->src[m + 1] == '\n') m++;
    if (m < p->len && p->src[m] != '\n') return;
    *text_end = k;
    *next = m < p->len ? m + 1 : m;
}

static int tokenize(struct parser *p) {
    size_t pos = 0;
    int line = 1;
    for (;;) {
        const char *o = find2(p->src, pos, p->len, '{');
        if (!o) return emit(p, T_TEXT, pos, p->len - pos, line);
        size_t open = (size_t)(o - p->src);
        int tline = line + count_nl(p->src, pos, open);
        const char *c = find2(p->src, open + 2, p->len, '}');
        if (!c) return perr(p, tline, "unterminated \"{{\"");
        size_t close = (size_t)(c - p->src), end = close + 2;
        if (close == open + 2) return perr(p, tline, "empty tag");

        char k = p->src[open + 2];
        enum tk kind = T_VAR;
        int comment = 0;
        switch (k) {
        case '!': comment = 1; break;
        case '#': kind = T_SECTION; break;
        case '^': kind = T_INVERTED; break;
        case '/': kind = T_CLOSE; break;
        default:
            if (!is_name_char(k) && !is_blank(k)) {
                if (k > 0x20 && k < 0x7f)
                    return perr(p, tline, "unknown tag kind '%c' (want a name, #, ^, / or !)", k);
                return perr(p, tline, "unknown tag kind 0x%02x (want a name, #, ^, / or !)",
                            (unsigned char)k);
            }
        }
        size_t noff = 0, nlen = 0;
        if (!comment) {
            size_t from = kind == T_VAR ? open + 2 : open + 3;
            int rc = tag_name(p, from, close, tline, &noff, &nlen);
            if (rc) return rc;
        }
        size_t text_end = open, next = end;
        if (kind != T_VAR || comment) standalone(p, pos, open, end, &text_end, &next);
        int rc = emit(p, T_TEXT, pos, text_end - pos, line);
        if (!rc && !comment) rc = emit(p, kind, noff, nlen, tline);
        if (rc) return rc;
        line += count_nl(p->src, pos, next);
        pos = next;
    }
}

/* Pair every section with its close; bound the nesting. */
static int match(struct parser *p) {
    size_t stack[TMPL_MAX_DEPTH];
    int sp = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct token *t = &p->t[i];
        if (t->kind == T_SECTION || t->kind == T_INVERTED) {
            if (sp == TMPL_MAX_DEPTH)
                return perr(p, t->line, "sections nested deeper than %d", TMPL_MAX_DEPTH);
            stack[sp++] = i;
        } else if (t->kind == T_CLOSE) {
            char a[72], b[72];
            if (sp == 0) return perr(p, t->line, "{{/%s}} closes no open section", shown(p, t, a));
            struct token *o = &p->t[stack[--sp]];
            if (o->len != t->len || memcmp(p->src + o->off, p->src + t->off, t->len) != 0)
                return perr(p, t->line, "{{/%s}} does not close {{%c%s}} opened at line %d",
                            shown(p, t, a), o->kind == T_SECTION ? '#' : '^', shown(p, o, b),
                            o->line);
            o->match = i;
            t->match = stack[sp];
        }
    }
    if (sp > 0) {
        struct token *o = &p->t[stack[sp - 1]];
        char a[72];
        return perr(p, o->line, "section {{%c%s}} is never closed",
                    o->kind == T_SECTION ? '#' : '^', shown(p, o, a));
    }
    return 0;
}

/* ---------------------------------------------------------------------------
 * Rendering
 * ------------------------------------------------------------------------- */

/* Item scopes live on the C stack, innermost first. */
struct scope {
    const struct tmpl_ctx *ctx;
    const struct scope *up;
};

static const struct entry *lookup(const struct scope *s, const char *name, size_t len) {
    for (; s; s = s->up) {
        const struct entry *en = find(s->ctx, name, len);
        if (en) return en;
    }
    return NULL;
}

static int truthy(const struct entry *en) {
    return en && (en->value ? en->value[0] != '\0' : en->nitems > 0);
}

static int render_range(struct parser *p, size_t i, size_t end, const struct scope *s,
                        struct buf *out) {
    for (; i < end; i++) {
        const struct token *t = &p->t[i];
        const char *name = p->src + t->off;
        const struct entry *en = t->kind == T_TEXT ? NULL : lookup(s, name, t->len);
        char nm[72];
        switch (t->kind) {
        case T_TEXT:
            if (buf_append(out, name, t->len)) return oom(p);
            break;
        case T_VAR:
            if (!en) return perr(p, t->line, "unknown variable '%s'", shown(p, t, nm));
            if (!en->value) return perr(p, t->line, "'%s' is a list, not a value", shown(p, t, nm));
            if (buf_appends(out, en->value)) return oom(p);
            break;
        case T_SECTION:
            if (en && en->value && en->value[0]) {
                int rc = render_range(p, i + 1, t->match, s, out);
                if (rc) return rc;
            } else if (en && !en->value) {
                for (size_t k = 0; k < en->nitems; k++) {
                    struct scope inner = {en->items[k], s};
                    int rc = render_range(p, i + 1, t->match, &inner, out);
                    if (rc) return rc;
                }
            }
            i = t->match;
            break;
        case T_INVERTED:
            if (!truthy(en)) {
                int rc = render_range(p, i + 1, t->match, s, out);
                if (rc) return rc;
            }
            i = t->match;
            break;
        case T_CLOSE: /* unreachable: sections jump past their close */ break;
        }
    }
    return 0;
}

int tmpl_render(const char *src, size_t len, const char *origin, const struct tmpl_ctx *c,
                struct buf *out, ri_err *e) {
    struct parser p = {src, len, origin ? origin : "template", NULL, 0, 0, e};
    size_t start = out->len;
    int rc = tokenize(&p);
    if (!rc) rc = match(&p);
    if (!rc) {
        struct scope top = {c, NULL};
        rc = render_range(&p, 0, p.n, &top, out);
    }
    if (rc) buf_truncate(out, start);
    free(p.t);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Built-in templates
 * ------------------------------------------------------------------------- */

/* Must match the struct written by tools/embed.c. */
struct tmpl_builtin_entry {
    const char *name;
    const char *text;
    size_t len;
};
extern const struct tmpl_builtin_entry tmpl_builtin_table[];

const char *tmpl_builtin(const char *name, size_t *len) {
    for (const struct tmpl_builtin_entry *b = tmpl_builtin_table; b->name; b++) {
        if (strcmp(b->name, name) == 0) {
            if (len) *len = b->len;
            return b->text;
        }
    }
    return NULL;
}
