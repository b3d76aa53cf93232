/* template.h: the small template language of the files in templates/.
 *
 *   {{name}}            the value of name (inserted verbatim: the renderer
 *                       puts values in already quoted for their file)
 *   {{#name}}...{{/name}} the block once if name is a non-empty value, once
 *                       per item if name is a list (inside, item keys
 *                       shadow outer ones), not at all if absent/empty
 *   {{^name}}...{{/name}} the block only if name is absent, empty or an
 *                       empty list
 *   {{! comment }}      nothing
 * A line holding only a section tag or a comment (with optional surrounding
 * blanks; a comment may span lines) is removed entirely, newline included,
 * so templates can be laid out readably. Names are [A-Za-z0-9_-]+, with
 * optional blanks inside the braces ({{ name }}).
 *
 * Contract:
 *  - tmpl_render() never reads past len and never recurses deeper than
 *    TMPL_MAX_DEPTH sections; it is safe on any input (fuzzed).
 *  - An unknown variable, an unclosed or mismatched section, or an unknown
 *    tag kind is an error (EX_CONFIG) naming "<origin>:<line>: reason".
 *    Syntax errors are found before anything renders, even inside sections
 *    that would render nothing; an unknown variable only where it renders.
 *  - On error, out is left exactly as it was (what was appended is wiped).
 */
#ifndef RI_TEMPLATE_H
#define RI_TEMPLATE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

#define TMPL_MAX_DEPTH 8

struct tmpl_ctx; /* a map of name -> string value | list of tmpl_ctx */

struct tmpl_ctx *tmpl_ctx_new(void);
/* Set name to a copy of value (replaces a value or a list of that name).
 * Returns 0, or -1 on OOM or a NULL argument. */
int tmpl_set(struct tmpl_ctx *c, const char *name, const char *value);
int tmpl_setf(struct tmpl_ctx *c, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append a new item to list name (created on first use; a value of that
 * name is replaced) and return it; the item is owned by c. NULL on OOM. */
struct tmpl_ctx *tmpl_add_item(struct tmpl_ctx *c, const char *name);
/* Mark name as a known, empty list (so {{#name}} renders nothing, no error).
 * Items already added to it are kept; a value of that name is replaced. */
int tmpl_set_list(struct tmpl_ctx *c, const char *name);
/* Free c and everything it owns; string values are wiped first. */
void tmpl_ctx_free(struct tmpl_ctx *c);

/* Render src (len bytes) against c, appending to out. */
int tmpl_render(const char *src, size_t len, const char *origin, const struct tmpl_ctx *c,
                struct buf *out, ri_err *e);

/* Built-in templates, compiled in by tools/embed.c from templates/.
 * name is the file name without ".tmpl" (e.g. "redis.conf"). NULL if none. */
const char *tmpl_builtin(const char *name, size_t *len);

#endif
