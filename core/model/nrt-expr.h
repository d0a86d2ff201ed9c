/* nrt-expr.h: LEMS expressions (DerivedVariable values, Case conditions), parsed once into a
 * flat program and evaluated without string lookups.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Syntax (LEMS, as jLEMS reads it):
 *   numbers       12  0.5  .5  1e-3  2.5E+4
 *   identifiers   [A-Za-z_][A-Za-z0-9_]*, bound by the caller in an NrtExprSymbols table
 *   arithmetic    + - * / ^ and parentheses
 *   functions     exp log ln sqrt abs sin cos tan sinh cosh tanh floor ceil H, pow(a, b);
 *                 log and ln are both the natural logarithm (jLEMS); H is the Heaviside step
 *                 as jNeuroML writes it for NEURON: 0 for x < 0, 1 for x > 0, 0.5 at x = 0
 *   conditions    .gt. .lt. .geq. .leq. .eq. .neq. .and. .or.
 *                 (pyLEMS's spellings .ge. .le. .ne. are read too; LEMS has no .not.)
 *
 * Precedence, loosest first: .or.; .and.; the comparisons (not chained); + -; * /; unary − and
 * +; ^.  Binary operators group left to right except ^, which groups right to left
 * (2^3^2 = 2^9; jLEMS groups it left to right, so the canonical text always parenthesises a
 * compound exponent: 2^(3^2)).  Unary minus binds looser than ^, so -x^2 = −(x²) and 2^-1 = 0.5, which is
 * what jLEMS gives for a minus at the start of an expression or after '(' (jLEMS parses a
 * minus that follows another operator, as in a*-x^2, as (−x)²; the canonical text written by
 * nrt_expr_to_string() parenthesises such terms so that every reader agrees).
 *
 * jLEMS and pyLEMS give .and. and .or. one precedence, grouped left to right, while C (and so
 * jNeuroML's NEURON export, which rewrites .and. as &&) binds && tighter; Neurite follows C,
 * and its canonical text parenthesises .and. inside .or. so that all of them agree.
 *
 * A comparison yields 1 (true) or 0 (false); .and./.or. take conditions, arithmetic takes
 * numbers: "(v .gt. 0) + 1" is an error, not 2.
 *
 * Evaluation runs a compiled program: symbol-free sub-trees folded to constants, constants and
 * unscaled symbols as immediate operands, repeated sub-expressions computed once; the results
 * are the bits the tree would give with C's operators and libm (pow for ^, x*x for x^2).
 *
 * Columns in messages are 1-based byte offsets into the text.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NRT_EXPR_ERROR (nrt_expr_error_quark ())
GQuark nrt_expr_error_quark (void);

typedef enum {
  NRT_EXPR_ERROR_SYNTAX,            /* bad token, unbalanced parenthesis, missing operand */
  NRT_EXPR_ERROR_UNKNOWN_SYMBOL,    /* identifier not in the symbol table */
  NRT_EXPR_ERROR_UNKNOWN_FUNCTION,  /* name( with name not a LEMS function */
  NRT_EXPR_ERROR_TYPE,              /* condition where a number is needed or the reverse */
  NRT_EXPR_ERROR_DIMENSION,         /* nrt_expr_check_dimensions() */
} NrtExprError;

/* ---- dimensions ---- */

/* A LEMS dimension: integer exponents of mass, length, time, current, temperature, amount and
 * luminous intensity (LEMS's m l t i k n j).  Voltage is M L^2 T^-3 I^-1. */
enum { NRT_EXPR_M, NRT_EXPR_L, NRT_EXPR_T, NRT_EXPR_I, NRT_EXPR_K, NRT_EXPR_N, NRT_EXPR_J,
       NRT_EXPR_N_BASE };

typedef struct {
  gint8 e[NRT_EXPR_N_BASE];
} NrtExprDim;

#define NRT_EXPR_DIM_NONE ((NrtExprDim) { { 0, 0, 0, 0, 0, 0, 0 } })

gboolean    nrt_expr_dim_equal (NrtExprDim a, NrtExprDim b);
gboolean    nrt_expr_dim_is_none (NrtExprDim d);
/* The dimensions of NeuroMLCoreDimensions.xml by LEMS name ("voltage", "per_time",
 * "none", ...).  FALSE for an unknown name. */
gboolean    nrt_expr_dim_from_name (const char *name, NrtExprDim *dim);
/* (transfer full) "voltage (M L^2 T^-3 I^-1)", "dimensionless", or the exponents alone
 * when the dimension has no LEMS name. */
char       *nrt_expr_dim_to_string (NrtExprDim d);

/* ---- symbols ---- */

/* The names an expression may use.  Each name is bound to a slot: the index of its value in
 * the array given to nrt_expr_eval().  Its dimension is for nrt_expr_check_dimensions(); its
 * scale multiplies the value at evaluation (values[slot] · scale), so a caller can keep
 * values in its own units (mV) while the expression works in LEMS's SI (scale 1e-3).  */
typedef struct _NrtExprSymbols NrtExprSymbols;

NrtExprSymbols *nrt_expr_symbols_new (void);
void            nrt_expr_symbols_free (NrtExprSymbols *symbols);
/* Adds name at the next slot, or rebinds an existing name's slot to the new dimension and
 * scale; returns the slot. */
guint           nrt_expr_symbols_add (NrtExprSymbols *symbols, const char *name,
                                      NrtExprDim dim, double scale);
/* Adds (or rebinds) name as a constant: expressions fold it at parse time (LEMS Constants,
 * "VOLT_SCALE"), print it by name, and never read values[slot] for it. */
guint           nrt_expr_symbols_add_constant (NrtExprSymbols *symbols, const char *name,
                                               NrtExprDim dim, double value);
/* The slot of name, or -1. */
int             nrt_expr_symbols_lookup (const NrtExprSymbols *symbols, const char *name);
guint           nrt_expr_symbols_count (const NrtExprSymbols *symbols);
/* TRUE when slot is a constant, with its value. */
gboolean        nrt_expr_symbols_get_constant (const NrtExprSymbols *symbols, guint slot,
                                               double *value);
const char     *nrt_expr_symbols_name (const NrtExprSymbols *symbols, guint slot);
NrtExprDim      nrt_expr_symbols_dim (const NrtExprSymbols *symbols, guint slot);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtExprSymbols, nrt_expr_symbols_free)

/* ---- expressions ---- */

typedef struct _NrtExpr NrtExpr;

/* Parses text with the names in symbols (the expression keeps their slots, dimensions and
 * scales; the table may be freed or grown afterwards).  NULL with error set, e.g.
 * "unknown function 'foo' at column 7". */
NrtExpr    *nrt_expr_parse (const char *text, const NrtExprSymbols *symbols, GError **error);
void        nrt_expr_free (NrtExpr *expr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NrtExpr, nrt_expr_free)

/* TRUE when the expression is a condition (its top operator a comparison, .and. or .or.). */
gboolean    nrt_expr_is_condition (const NrtExpr *expr);
/* TRUE when the expression uses slot. */
gboolean    nrt_expr_uses_slot (const NrtExpr *expr, guint slot);

/* A new expression in which every use of slot reads definition instead, as if written in
 * parentheses: it evaluates bit-identically to storing definition's value in values[slot]
 * first (the uses of slot must have scale 1).  Messages and spans still refer to expr's text;
 * nrt_expr_to_string() prints the substituted form. */
NrtExpr    *nrt_expr_inline (const NrtExpr *expr, guint slot, const NrtExpr *definition);

/* The length of the compiled program (instructions): a measure of evaluation cost. */
guint       nrt_expr_program_size (const NrtExpr *expr);

/* The value with values[slot] for each symbol (times its scale); 1 or 0 for a condition.
 * Thread-safe: expr is read only. */
double      nrt_expr_eval (const NrtExpr *expr, const double *values);

/* (transfer full) Canonical text: shortest round-tripping numbers, single spaces around binary
 * operators, only the parentheses needed.  Parsing it with the same symbols gives an
 * expression that evaluates bit-identically. */
char       *nrt_expr_to_string (const NrtExpr *expr);

/* (transfer full) The expression in NMODL syntax, for writing .mod files: the canonical text
 * with > < >= <= == != && || for the LEMS operators, log for ln and fabs for abs; H(x) is
 * kept, and the file must define it (FUNCTION H(x) as jNeuroML writes it).  rename
 * (nullable, name → text) replaces symbol names, e.g. "v" → "(v * 1e-3)" for a mod file in
 * mV evaluating an SI expression. */
char       *nrt_expr_to_nmodl (const NrtExpr *expr, GHashTable *rename);

/* Computes the dimension of the expression from its symbols' dimensions, with LEMS's rules:
 * + − and comparisons need equal dimensions (the literal 0 matches any); * / add and subtract
 * exponents; exp, log, ln, sin, cos, tan, sinh, cosh, tanh and pow need dimensionless
 * arguments; ^ needs a dimensionless exponent that is a constant integer unless the base is
 * dimensionless.  Neurite also accepts abs, floor and ceil of any dimension (same result),
 * H of any dimension (dimensionless result) and sqrt of even exponents.  A condition's
 * dimension is "none".  FALSE with NRT_EXPR_ERROR_DIMENSION naming the offending
 * sub-expression otherwise. */
gboolean    nrt_expr_check_dimensions (const NrtExpr *expr, NrtExprDim *dim, GError **error);
/* TRUE when the expression is the literal 0 (or −0, (0)), which LEMS lets stand for a
 * quantity of any dimension: <Case value="0"/> of a rate. */
gboolean    nrt_expr_is_zero_literal (const NrtExpr *expr);

G_END_DECLS
