/* nrt-expr.c: LEMS expression parser, dimension checker and evaluator.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text is parsed by recursive descent into a tree kept in one flat array of nodes (for the
 * canonical text and the dimension check, which need the structure and the source spans), and
 * the tree is compiled to a short program for an accumulator machine: the top of the stack
 * lives in a local variable, binary operators with a constant or an unscaled variable as an
 * operand take it as an immediate, and symbol-free sub-trees are folded to constants.  The
 * folding evaluates the same C operations the program would, so results are bit-identical
 * to an unfolded evaluation.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "nrt-expr.h"

G_DEFINE_QUARK (nrt-expr-error-quark, nrt_expr_error)

/* ---- dimensions ---- */

typedef struct {
  const char *name;
  gint8       e[NRT_EXPR_N_BASE];  /* M L T I K N J */
} DimName;

/* NeuroMLCoreDimensions.xml. */
static const DimName dim_names[] = {
  { "none", { 0, 0, 0, 0, 0, 0, 0 } },
  { "time", { 0, 0, 1, 0, 0, 0, 0 } },
  { "per_time", { 0, 0, -1, 0, 0, 0, 0 } },
  { "voltage", { 1, 2, -3, -1, 0, 0, 0 } },
  { "per_voltage", { -1, -2, 3, 1, 0, 0, 0 } },
  { "conductance", { -1, -2, 3, 2, 0, 0, 0 } },
  { "conductanceDensity", { -1, -4, 3, 2, 0, 0, 0 } },
  { "capacitance", { -1, -2, 4, 2, 0, 0, 0 } },
  { "specificCapacitance", { -1, -4, 4, 2, 0, 0, 0 } },
  { "resistance", { 1, 2, -3, -2, 0, 0, 0 } },
  { "resistivity", { 1, 3, -3, -2, 0, 0, 0 } },
  { "charge", { 0, 0, 1, 1, 0, 0, 0 } },
  { "charge_per_mole", { 0, 0, 1, 1, 0, -1, 0 } },
  { "current", { 0, 0, 0, 1, 0, 0, 0 } },
  { "currentDensity", { 0, -2, 0, 1, 0, 0, 0 } },
  { "length", { 0, 1, 0, 0, 0, 0, 0 } },
  { "area", { 0, 2, 0, 0, 0, 0, 0 } },
  { "volume", { 0, 3, 0, 0, 0, 0, 0 } },
  { "concentration", { 0, -3, 0, 0, 0, 1, 0 } },
  { "substance", { 0, 0, 0, 0, 0, 1, 0 } },
  { "permeability", { 0, 1, -1, 0, 0, 0, 0 } },
  { "temperature", { 0, 0, 0, 0, 1, 0, 0 } },
  { "idealGasConstantDims", { 1, 2, -2, 0, -1, -1, 0 } },
  { "rho_factor", { 0, -1, -1, -1, 0, 1, 0 } },
  { "conductance_per_voltage", { -2, -4, 6, 3, 0, 0, 0 } },
};

gboolean
nrt_expr_dim_equal (NrtExprDim a, NrtExprDim b)
{
  return memcmp (a.e, b.e, sizeof a.e) == 0;
}

gboolean
nrt_expr_dim_is_none (NrtExprDim d)
{
  return nrt_expr_dim_equal (d, NRT_EXPR_DIM_NONE);
}

gboolean
nrt_expr_dim_from_name (const char *name, NrtExprDim *dim)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dim_names); i++)
    if (strcmp (dim_names[i].name, name) == 0)
      {
        memcpy (dim->e, dim_names[i].e, sizeof dim->e);
        return TRUE;
      }
  return FALSE;
}

char *
nrt_expr_dim_to_string (NrtExprDim d)
{
  static const char base[NRT_EXPR_N_BASE] = { 'M', 'L', 'T', 'I', 'K', 'N', 'J' };
  const char *name = NULL;
  GString *s;

  if (nrt_expr_dim_is_none (d))
    return g_strdup ("dimensionless");
  for (gsize i = 1; i < G_N_ELEMENTS (dim_names); i++)
    if (memcmp (dim_names[i].e, d.e, sizeof d.e) == 0)
      name = dim_names[i].name;
  s = g_string_new (NULL);
  if (name)
    g_string_append_printf (s, "%s (", name);
  for (int i = 0; i < NRT_EXPR_N_BASE; i++)
    {
      if (d.e[i] == 0)
        continue;
      if (s->len > 0 && s->str[s->len - 1] != '(')
        g_string_append_c (s, ' ');
      g_string_append_c (s, base[i]);
      if (d.e[i] != 1)
        g_string_append_printf (s, "^%d", d.e[i]);
    }
  if (name)
    g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

/* ---- symbols ---- */

typedef struct {
  char      *name;
  NrtExprDim dim;
  double     scale;
  gboolean   is_constant;
  double     value;  /* is_constant */
} Symbol;

struct _NrtExprSymbols {
  GArray     *syms;   /* of Symbol, index = slot */
  GHashTable *index;  /* name → slot + 1 */
};

NrtExprSymbols *
nrt_expr_symbols_new (void)
{
  NrtExprSymbols *s = g_new0 (NrtExprSymbols, 1);

  s->syms = g_array_new (FALSE, TRUE, sizeof (Symbol));
  s->index = g_hash_table_new (g_str_hash, g_str_equal);
  return s;
}

void
nrt_expr_symbols_free (NrtExprSymbols *symbols)
{
  if (!symbols)
    return;
  for (guint i = 0; i < symbols->syms->len; i++)
    g_free (g_array_index (symbols->syms, Symbol, i).name);
  g_array_unref (symbols->syms);
  g_hash_table_unref (symbols->index);
  g_free (symbols);
}

static guint
bind (NrtExprSymbols *symbols, const char *name, NrtExprDim dim, double scale,
      gboolean is_constant, double value)
{
  int slot = nrt_expr_symbols_lookup (symbols, name);
  Symbol *sym;

  if (slot < 0)
    {
      Symbol fresh = { 0 };
      fresh.name = g_strdup (name);
      g_array_append_val (symbols->syms, fresh);
      g_hash_table_insert (symbols->index, fresh.name, GUINT_TO_POINTER (symbols->syms->len));
      slot = symbols->syms->len - 1;
    }
  sym = &g_array_index (symbols->syms, Symbol, slot);
  sym->dim = dim;
  sym->scale = scale;
  sym->is_constant = is_constant;
  sym->value = value;
  return (guint) slot;
}

guint
nrt_expr_symbols_add (NrtExprSymbols *symbols, const char *name, NrtExprDim dim, double scale)
{
  return bind (symbols, name, dim, scale, FALSE, 0);
}

guint
nrt_expr_symbols_add_constant (NrtExprSymbols *symbols, const char *name, NrtExprDim dim,
                               double value)
{
  return bind (symbols, name, dim, 1.0, TRUE, value);
}

int
nrt_expr_symbols_lookup (const NrtExprSymbols *symbols, const char *name)
{
  gpointer p = symbols ? g_hash_table_lookup (symbols->index, name) : NULL;

  return p ? (int) GPOINTER_TO_UINT (p) - 1 : -1;
}

guint
nrt_expr_symbols_count (const NrtExprSymbols *symbols)
{
  return symbols->syms->len;
}

gboolean
nrt_expr_symbols_get_constant (const NrtExprSymbols *symbols, guint slot, double *value)
{
  const Symbol *sym;

  g_return_val_if_fail (slot < symbols->syms->len, FALSE);
  sym = &g_array_index (symbols->syms, Symbol, slot);
  if (sym->is_constant && value)
    *value = sym->value;
  return sym->is_constant;
}

const char *
nrt_expr_symbols_name (const NrtExprSymbols *symbols, guint slot)
{
  g_return_val_if_fail (slot < symbols->syms->len, NULL);
  return g_array_index (symbols->syms, Symbol, slot).name;
}

NrtExprDim
nrt_expr_symbols_dim (const NrtExprSymbols *symbols, guint slot)
{
  g_return_val_if_fail (slot < symbols->syms->len, NRT_EXPR_DIM_NONE);
  return g_array_index (symbols->syms, Symbol, slot).dim;
}

/* ---- the tree ---- */

typedef enum {
  K_NUM, K_SYM, K_NEG,
  K_ADD, K_SUB, K_MUL, K_DIV, K_POW,
  K_GT, K_LT, K_GE, K_LE, K_EQ, K_NE,
  K_AND, K_OR,
  K_FN,
} Kind;

typedef enum {
  F_EXP, F_LOG, F_LN, F_SQRT, F_ABS, F_SIN, F_COS, F_TAN, F_SINH, F_COSH, F_TANH,
  F_FLOOR, F_CEIL, F_H, F_POW,
} Fn;

static const struct {
  const char *name;
  int         n_args;
} functions[] = {
  [F_EXP] = { "exp", 1 }, [F_LOG] = { "log", 1 }, [F_LN] = { "ln", 1 },
  [F_SQRT] = { "sqrt", 1 }, [F_ABS] = { "abs", 1 }, [F_SIN] = { "sin", 1 },
  [F_COS] = { "cos", 1 }, [F_TAN] = { "tan", 1 }, [F_SINH] = { "sinh", 1 },
  [F_COSH] = { "cosh", 1 }, [F_TANH] = { "tanh", 1 }, [F_FLOOR] = { "floor", 1 },
  [F_CEIL] = { "ceil", 1 }, [F_H] = { "H", 1 }, [F_POW] = { "pow", 2 },
};

typedef struct {
  guint8     kind;
  guint8     fn;
  int        a, b;      /* children, -1 if none */
  double     num;       /* K_NUM, and K_SYM of a constant */
  gboolean   constant;  /* K_SYM bound with nrt_expr_symbols_add_constant() */
  gboolean   has_sym;   /* a non-constant symbol in the sub-tree */
  guint      slot;      /* K_SYM */
  double     scale;     /* K_SYM */
  NrtExprDim dim;       /* K_SYM */
  int        name;      /* K_SYM: index in NrtExpr.names */
  int        start;     /* byte span of the sub-expression in the text */
  int        end;
} Node;

/* ---- the program ---- */

/* Binary operators come in four forms: S pops its left operand (the right one is the
 * accumulator), K and V take the right operand from the constant pool or the values, and RK
 * and RV take the left operand from there (the accumulator holds the right one). */
#define BINARY_OPS(X) X (ADD) X (SUB) X (MUL) X (DIV) X (POW) \
  X (GT) X (LT) X (GE) X (LE) X (EQ) X (NE) X (AND) X (OR)

enum {
  OP_END, OP_PUSH_K, OP_PUSH_V, OP_NEG, OP_SQR, OP_FN, OP_EXP, OP_PUSH_R, OP_STORE_R,
#define DEF(o) OP_##o##_S, OP_##o##_K, OP_##o##_V, OP_##o##_RK, OP_##o##_RV,
  BINARY_OPS (DEF)
#undef DEF
};

typedef struct {
  guint32 op;
  guint32 arg;
} Insn;

struct _NrtExpr {
  char   *text;
  GArray *nodes;     /* of Node */
  int     root;
  char  **names;     /* symbol names used, for nrt_expr_to_string */
  guint   n_names;
  Insn   *code;
  guint   n_code;
  double *consts;
  guint   n_consts;
  guint   max_stack;
  guint   n_regs;    /* registers for repeated sub-expressions */
};

#define NODE(e, i) (&g_array_index ((e)->nodes, Node, (i)))

static gboolean
kind_is_condition (Kind k)
{
  return k >= K_GT && k <= K_OR;
}

/* ---- lexer ---- */

typedef enum {
  T_END, T_NUM, T_ID, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_CARET, T_LP, T_RP, T_COMMA,
  T_DOTOP,
} Tok;

typedef struct {
  const char           *text;
  const NrtExprSymbols *symbols;
  NrtExpr              *expr;
  GPtrArray            *names;  /* of char*, owned by expr at the end */
  int                   pos;    /* after the current token */
  Tok                   tok;
  int                   tok_start;
  int                   tok_end;
  double                tok_num;
  Kind                  tok_op;  /* T_DOTOP */
  GError              **error;
  gboolean              failed;
} Parser;

static void
fail (Parser *p, NrtExprError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
fail (Parser *p, NrtExprError code, const char *format, ...)
{
  va_list ap;

  if (p->failed)
    return;
  p->failed = TRUE;
  va_start (ap, format);
  if (p->error)
    {
      g_autofree char *msg = g_strdup_vprintf (format, ap);
      g_set_error_literal (p->error, NRT_EXPR_ERROR, code, msg);
    }
  va_end (ap);
}

static const struct {
  const char *text;
  Kind        kind;
} dot_ops[] = {
  { ".gt.", K_GT }, { ".lt.", K_LT }, { ".geq.", K_GE }, { ".leq.", K_LE },
  { ".eq.", K_EQ }, { ".neq.", K_NE }, { ".and.", K_AND }, { ".or.", K_OR },
  /* pyLEMS's spellings */
  { ".ge.", K_GE }, { ".le.", K_LE }, { ".ne.", K_NE },
};

static gboolean
is_id_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_id_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static void
next (Parser *p)
{
  const char *s = p->text;
  int i = p->pos;

  while (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')
    i++;
  p->tok_start = i;
  if (s[i] == '\0')
    {
      p->tok = T_END;
      p->tok_end = p->pos = i;
      return;
    }
  if (g_ascii_isdigit (s[i]) || (s[i] == '.' && g_ascii_isdigit (s[i + 1])))
    {
      int j = i;
      char *end;
      g_autofree char *num = NULL;

      while (g_ascii_isdigit (s[j]))
        j++;
      /* "1.gt.0": the '.' starts an operator, not a fraction */
      if (s[j] == '.' && !g_ascii_isalpha (s[j + 1]))
        {
          j++;
          while (g_ascii_isdigit (s[j]))
            j++;
        }
      if ((s[j] == 'e' || s[j] == 'E')
          && (g_ascii_isdigit (s[j + 1])
              || ((s[j + 1] == '+' || s[j + 1] == '-') && g_ascii_isdigit (s[j + 2]))))
        {
          j += 2;
          while (g_ascii_isdigit (s[j]))
            j++;
        }
      num = g_strndup (s + i, j - i);
      p->tok_num = g_ascii_strtod (num, &end);
      if (*end != '\0' || !isfinite (p->tok_num))
        fail (p, NRT_EXPR_ERROR_SYNTAX, "number '%s' out of range at column %d", num, i + 1);
      p->tok = T_NUM;
      p->tok_end = p->pos = j;
      return;
    }
  if (is_id_start (s[i]))
    {
      int j = i;
      while (is_id_char (s[j]))
        j++;
      p->tok = T_ID;
      p->tok_end = p->pos = j;
      return;
    }
  if (s[i] == '.')
    {
      int j = i + 1;
      while (g_ascii_isalpha (s[j]))
        j++;
      if (s[j] == '.' && j > i + 1)
        {
          for (gsize k = 0; k < G_N_ELEMENTS (dot_ops); k++)
            if ((int) strlen (dot_ops[k].text) == j + 1 - i
                && strncmp (dot_ops[k].text, s + i, j + 1 - i) == 0)
              {
                p->tok = T_DOTOP;
                p->tok_op = dot_ops[k].kind;
                p->tok_end = p->pos = j + 1;
                return;
              }
          fail (p, NRT_EXPR_ERROR_SYNTAX, "unknown operator '%.*s' at column %d%s",
                j + 1 - i, s + i, i + 1,
                strncmp (s + i, ".not.", 5) == 0 ? " (LEMS has no .not.)" : "");
        }
      else
        fail (p, NRT_EXPR_ERROR_SYNTAX, "unexpected '.' at column %d", i + 1);
      p->tok = T_END;
      p->tok_end = p->pos = i + 1;
      return;
    }
  p->tok_end = p->pos = i + 1;
  switch (s[i])
    {
    case '+': p->tok = T_PLUS; return;
    case '-': p->tok = T_MINUS; return;
    case '*': p->tok = T_STAR; return;
    case '/': p->tok = T_SLASH; return;
    case '^': p->tok = T_CARET; return;
    case '(': p->tok = T_LP; return;
    case ')': p->tok = T_RP; return;
    case ',': p->tok = T_COMMA; return;
    default:
      break;
    }
  p->tok = T_END;
  if ((guchar) s[i] < 0x80 && g_ascii_isprint (s[i]))
    fail (p, NRT_EXPR_ERROR_SYNTAX, "unexpected character '%c' at column %d", s[i], i + 1);
  else
    fail (p, NRT_EXPR_ERROR_SYNTAX, "unexpected byte 0x%02x at column %d", (guchar) s[i],
          i + 1);
}

/* ---- parser ---- */

static int
add_node (Parser *p, Kind kind, int a, int b, int start, int end)
{
  Node n = { 0 };

  n.kind = kind;
  n.a = a;
  n.b = b;
  n.start = start;
  n.end = end;
  g_array_append_val (p->expr->nodes, n);
  return p->expr->nodes->len - 1;
}

static int parse_or (Parser *p);
static int parse_unary (Parser *p);

static const char *
node_kind_text (Kind k)
{
  switch (k)
    {
    case K_ADD: return "+";
    case K_SUB: return "-";
    case K_MUL: return "*";
    case K_DIV: return "/";
    case K_POW: return "^";
    case K_GT: return ".gt.";
    case K_LT: return ".lt.";
    case K_GE: return ".geq.";
    case K_LE: return ".leq.";
    case K_EQ: return ".eq.";
    case K_NE: return ".neq.";
    case K_AND: return ".and.";
    case K_OR: return ".or.";
    default: return "?";
    }
}

/* Operands of arithmetic and comparisons must be numbers, of .and./.or. conditions. */
static void
want (Parser *p, int node, gboolean condition, Kind op)
{
  Node *n;

  if (p->failed)
    return;
  n = NODE (p->expr, node);
  if (kind_is_condition (n->kind) == condition)
    return;
  if (condition)
    fail (p, NRT_EXPR_ERROR_TYPE, "'%.*s' is a number, but '%s' needs a condition (column %d)",
          n->end - n->start, p->text + n->start, node_kind_text (op), n->start + 1);
  else
    {
      g_autofree char *who = op == K_FN ? g_strdup ("a function")
                                        : g_strdup_printf ("'%s'", node_kind_text (op));
      fail (p, NRT_EXPR_ERROR_TYPE, "'%.*s' is a condition, but %s needs a number (column %d)",
            n->end - n->start, p->text + n->start, who, n->start + 1);
    }
}

static void
describe_token (Parser *p, char *buf, gsize size)
{
  if (p->tok == T_END)
    g_strlcpy (buf, "the end of the expression", size);
  else
    g_snprintf (buf, size, "'%.*s' at column %d", p->tok_end - p->tok_start,
                p->text + p->tok_start, p->tok_start + 1);
}

static int
parse_primary (Parser *p)
{
  int start = p->tok_start;

  if (p->failed)
    return -1;
  if (p->tok == T_NUM)
    {
      int n = add_node (p, K_NUM, -1, -1, start, p->tok_end);
      NODE (p->expr, n)->num = p->tok_num;
      next (p);
      return n;
    }
  if (p->tok == T_ID)
    {
      g_autofree char *name = g_strndup (p->text + start, p->tok_end - start);
      int name_end = p->tok_end;

      next (p);
      if (p->tok == T_LP)
        {
          int fn = -1, args[2] = { -1, -1 }, n_args = 0, n;

          for (gsize k = 0; k < G_N_ELEMENTS (functions); k++)
            if (strcmp (functions[k].name, name) == 0)
              fn = (int) k;
          if (fn < 0)
            {
              fail (p, NRT_EXPR_ERROR_UNKNOWN_FUNCTION, "unknown function '%s' at column %d",
                    name, start + 1);
              return -1;
            }
          int lp = p->tok_start;
          next (p);
          if (p->tok != T_RP)
            for (;;)
              {
                int arg = parse_or (p);
                if (p->failed)
                  return -1;
                want (p, arg, FALSE, K_FN);
                if (n_args < 2)
                  args[n_args] = arg;
                n_args++;
                if (p->tok != T_COMMA)
                  break;
                next (p);
              }
          if (p->failed)
            return -1;
          if (p->tok != T_RP)
            {
              char what[128];
              describe_token (p, what, sizeof what);
              if (p->tok == T_END)
                fail (p, NRT_EXPR_ERROR_SYNTAX,
                      "unbalanced parenthesis: '(' at column %d is not closed", lp + 1);
              else
                fail (p, NRT_EXPR_ERROR_SYNTAX, "expected ',' or ')' but found %s", what);
              return -1;
            }
          if (n_args != functions[fn].n_args)
            {
              fail (p, NRT_EXPR_ERROR_SYNTAX, "%s takes %d argument%s, not %d (column %d)",
                    name, functions[fn].n_args, functions[fn].n_args == 1 ? "" : "s",
                    n_args, start + 1);
              return -1;
            }
          n = add_node (p, K_FN, args[0], args[1], start, p->tok_end);
          NODE (p->expr, n)->fn = fn;
          next (p);
          return n;
        }
      int slot = nrt_expr_symbols_lookup (p->symbols, name);
      if (slot < 0)
        {
          gboolean is_fn = FALSE;
          for (gsize k = 0; k < G_N_ELEMENTS (functions); k++)
            is_fn |= strcmp (functions[k].name, name) == 0;
          if (is_fn)
            fail (p, NRT_EXPR_ERROR_SYNTAX, "function '%s' at column %d needs '('", name,
                  start + 1);
          else
            fail (p, NRT_EXPR_ERROR_UNKNOWN_SYMBOL, "unknown symbol '%s' at column %d", name,
                  start + 1);
          return -1;
        }
      const Symbol *sym = &g_array_index (p->symbols->syms, Symbol, slot);
      int n = add_node (p, K_SYM, -1, -1, start, name_end);
      Node *node = NODE (p->expr, n);
      node->slot = slot;
      node->scale = sym->scale;
      node->dim = sym->dim;
      node->constant = sym->is_constant;
      node->num = sym->value;
      node->name = -1;
      for (guint k = 0; k < p->names->len; k++)
        if (strcmp (g_ptr_array_index (p->names, k), name) == 0)
          node->name = k;
      if (node->name < 0)
        {
          node->name = p->names->len;
          g_ptr_array_add (p->names, g_steal_pointer (&name));
        }
      return n;
    }
  if (p->tok == T_LP)
    {
      int inner;

      next (p);
      inner = parse_or (p);
      if (p->failed)
        return -1;
      if (p->tok != T_RP)
        {
          char what[128];
          describe_token (p, what, sizeof what);
          if (p->tok == T_END)
            fail (p, NRT_EXPR_ERROR_SYNTAX,
                  "unbalanced parenthesis: '(' at column %d is not closed", start + 1);
          else
            fail (p, NRT_EXPR_ERROR_SYNTAX, "expected ')' but found %s", what);
          return -1;
        }
      /* the span of a parenthesised sub-expression includes its parentheses */
      NODE (p->expr, inner)->start = start;
      NODE (p->expr, inner)->end = p->tok_end;
      next (p);
      return inner;
    }
  {
    char what[128];
    describe_token (p, what, sizeof what);
    fail (p, NRT_EXPR_ERROR_SYNTAX, "expected a number, a name or '(' but found %s", what);
  }
  return -1;
}

/* power := primary ['^' unary]: right to left, and the exponent may carry a sign. */
static int
parse_power (Parser *p)
{
  int base = parse_primary (p), expo;

  if (p->failed || p->tok != T_CARET)
    return base;
  next (p);
  expo = parse_unary (p);
  if (p->failed)
    return -1;
  want (p, base, FALSE, K_POW);
  want (p, expo, FALSE, K_POW);
  return add_node (p, K_POW, base, expo, NODE (p->expr, base)->start,
                   NODE (p->expr, expo)->end);
}

static int
parse_unary (Parser *p)
{
  if (p->tok == T_MINUS || p->tok == T_PLUS)
    {
      gboolean minus = p->tok == T_MINUS;
      int start = p->tok_start, operand;

      next (p);
      operand = parse_unary (p);
      if (p->failed)
        return -1;
      want (p, operand, FALSE, minus ? K_SUB : K_ADD);
      if (!minus)
        return operand;
      return add_node (p, K_NEG, operand, -1, start, NODE (p->expr, operand)->end);
    }
  return parse_power (p);
}

static int
binary (Parser *p, Kind kind, int a, int b, gboolean condition_operands)
{
  want (p, a, condition_operands, kind);
  want (p, b, condition_operands, kind);
  if (p->failed)
    return -1;
  return add_node (p, kind, a, b, NODE (p->expr, a)->start, NODE (p->expr, b)->end);
}

static int
parse_mul (Parser *p)
{
  int left = parse_unary (p);

  while (!p->failed && (p->tok == T_STAR || p->tok == T_SLASH))
    {
      Kind k = p->tok == T_STAR ? K_MUL : K_DIV;
      next (p);
      left = binary (p, k, left, parse_unary (p), FALSE);
    }
  return left;
}

static int
parse_add (Parser *p)
{
  int left = parse_mul (p);

  while (!p->failed && (p->tok == T_PLUS || p->tok == T_MINUS))
    {
      Kind k = p->tok == T_PLUS ? K_ADD : K_SUB;
      next (p);
      left = binary (p, k, left, parse_mul (p), FALSE);
    }
  return left;
}

static gboolean
tok_is_comparison (Parser *p)
{
  return p->tok == T_DOTOP && p->tok_op >= K_GT && p->tok_op <= K_NE;
}

static int
parse_cmp (Parser *p)
{
  int left = parse_add (p);

  if (!p->failed && tok_is_comparison (p))
    {
      Kind k = p->tok_op;
      next (p);
      left = binary (p, k, left, parse_add (p), FALSE);
      if (!p->failed && tok_is_comparison (p))
        fail (p, NRT_EXPR_ERROR_SYNTAX,
              "comparisons cannot be chained: '%.*s' at column %d (use .and.)",
              p->tok_end - p->tok_start, p->text + p->tok_start, p->tok_start + 1);
    }
  return left;
}

static int
parse_and (Parser *p)
{
  int left = parse_cmp (p);

  while (!p->failed && p->tok == T_DOTOP && p->tok_op == K_AND)
    {
      next (p);
      left = binary (p, K_AND, left, parse_cmp (p), TRUE);
    }
  return left;
}

static int
parse_or (Parser *p)
{
  int left = parse_and (p);

  while (!p->failed && p->tok == T_DOTOP && p->tok_op == K_OR)
    {
      next (p);
      left = binary (p, K_OR, left, parse_and (p), TRUE);
    }
  return left;
}

/* ---- evaluation of single operations, shared by the tree and the program ---- */

static inline double
apply_fn (Fn fn, double x)
{
  switch (fn)
    {
    case F_EXP: return exp (x);
    case F_LOG:
    case F_LN: return log (x);
    case F_SQRT: return sqrt (x);
    case F_ABS: return fabs (x);
    case F_SIN: return sin (x);
    case F_COS: return cos (x);
    case F_TAN: return tan (x);
    case F_SINH: return sinh (x);
    case F_COSH: return cosh (x);
    case F_TANH: return tanh (x);
    case F_FLOOR: return floor (x);
    case F_CEIL: return ceil (x);
    case F_H: return x > 0 ? 1.0 : x < 0 ? 0.0 : 0.5;
    case F_POW:
    default: return NAN;
    }
}

static inline double
apply_binary (Kind k, double a, double b)
{
  switch (k)
    {
    case K_ADD: return a + b;
    case K_SUB: return a - b;
    case K_MUL: return a * b;
    case K_DIV: return a / b;
    case K_POW: return pow (a, b);
    case K_GT: return a > b;
    case K_LT: return a < b;
    case K_GE: return a >= b;
    case K_LE: return a <= b;
    case K_EQ: return a == b;
    case K_NE: return a != b;
    case K_AND: return a != 0 && b != 0;
    case K_OR: return a != 0 || b != 0;
    default: return NAN;
    }
}

/* Tree evaluation: for constant folding (values NULL: no symbols below). */
static double
node_eval (const NrtExpr *e, int i, const double *values)
{
  const Node *n = NODE (e, i);

  switch ((Kind) n->kind)
    {
    case K_NUM: return n->num;
    case K_SYM:
      if (n->constant)
        return n->num;
      return n->scale == 1.0 ? values[n->slot] : values[n->slot] * n->scale;
    case K_NEG: return -node_eval (e, n->a, values);
    case K_FN:
      if (n->fn == F_POW)
        return pow (node_eval (e, n->a, values), node_eval (e, n->b, values));
      return apply_fn (n->fn, node_eval (e, n->a, values));
    default:
      return apply_binary (n->kind, node_eval (e, n->a, values), node_eval (e, n->b, values));
    }
}

static gboolean
node_has_symbols (const NrtExpr *e, int i)
{
  return NODE (e, i)->has_sym;
}

/* ---- compiler ---- */

#define NRT_EXPR_MAX_REGS 16

typedef struct {
  NrtExpr *e;
  GArray  *code;    /* of Insn */
  GArray  *consts;  /* of double */
  int      depth;   /* values held on the stack below the accumulator */
  int      max_depth;
  gboolean acc_live;
  /* repeated sub-expressions: computed once, kept in a register */
  int     *reg_of;     /* per node: its register or -1; NULL for none */
  gboolean reg_done[NRT_EXPR_MAX_REGS];
  guint    reg_loads[NRT_EXPR_MAX_REGS];
} Compiler;

static guint
add_const (Compiler *c, double v)
{
  for (guint i = 0; i < c->consts->len; i++)
    if (memcmp (&g_array_index (c->consts, double, i), &v, sizeof v) == 0)
      return i;
  g_array_append_val (c->consts, v);
  return c->consts->len - 1;
}

static void
emit (Compiler *c, guint op, guint arg)
{
  Insn insn = { op, arg };

  g_array_append_val (c->code, insn);
}

/* An operand that can be an immediate: a constant sub-tree or an unscaled symbol. */
typedef enum { IMM_NONE, IMM_K, IMM_V } Imm;

static Imm
immediate (Compiler *c, int i, guint *arg)
{
  const Node *n = NODE (c->e, i);

  if (!node_has_symbols (c->e, i))
    {
      *arg = add_const (c, node_eval (c->e, i, NULL));
      return IMM_K;
    }
  if (n->kind == K_SYM && n->scale == 1.0)
    {
      *arg = n->slot;
      return IMM_V;
    }
  return IMM_NONE;
}

static guint
binary_op (Kind k)
{
  switch (k)
    {
#define CASE(o) case K_##o: return OP_##o##_S;
      CASE (ADD) CASE (SUB) CASE (MUL) CASE (DIV) CASE (POW)
      CASE (GT) CASE (LT) CASE (GE) CASE (LE) CASE (EQ) CASE (NE) CASE (AND) CASE (OR)
#undef CASE
    default: g_assert_not_reached ();
    }
}

/* Pushes the accumulator if it holds a value, so that a new value can be loaded. */
static void
spill (Compiler *c)
{
  if (c->acc_live)
    {
      c->depth++;
      c->max_depth = MAX (c->max_depth, c->depth);
    }
  c->acc_live = TRUE;
}

static void compile (Compiler *c, int i);

static void
compile_binary (Compiler *c, Kind kind, int a, int b)
{
  guint op = binary_op (kind), arg;
  Imm imm;

  imm = immediate (c, b, &arg);
  if (imm != IMM_NONE)
    {
      compile (c, a);
      emit (c, op + (imm == IMM_K ? 1 : 2), arg);
      return;
    }
  imm = immediate (c, a, &arg);
  if (imm != IMM_NONE)
    {
      compile (c, b);
      emit (c, op + (imm == IMM_K ? 3 : 4), arg);
      return;
    }
  compile (c, a);
  compile (c, b);
  emit (c, op, 0);
  c->depth--;
}

static void
compile_node (Compiler *c, int i)
{
  const Node n = *NODE (c->e, i);

  if (!node_has_symbols (c->e, i))
    {
      spill (c);
      emit (c, OP_PUSH_K, add_const (c, node_eval (c->e, i, NULL)));
      return;
    }
  switch ((Kind) n.kind)
    {
    case K_SYM:
      spill (c);
      emit (c, OP_PUSH_V, n.slot);
      if (n.scale != 1.0)
        emit (c, OP_MUL_K, add_const (c, n.scale));
      return;
    case K_NEG:
      compile (c, n.a);
      emit (c, OP_NEG, 0);
      return;
    case K_FN:
      if (n.fn == F_POW)
        compile_binary (c, K_POW, n.a, n.b);  /* pow(a, b) is a ^ b */
      else
        {
          compile (c, n.a);
          if (n.fn == F_EXP)
            emit (c, OP_EXP, 0);
          else
            emit (c, OP_FN, n.fn);
        }
      return;
    case K_POW:
      /* x^2 as x*x: both correctly rounded, so identical to pow (x, 2) */
      if (!node_has_symbols (c->e, n.b) && node_eval (c->e, n.b, NULL) == 2.0)
        {
          compile (c, n.a);
          emit (c, OP_SQR, 0);
          return;
        }
      break;
    default:
      break;
    }
  compile_binary (c, n.kind, n.a, n.b);
}

/* The program is straight-line, so the first occurrence of a repeated sub-expression in
 * compilation order runs before every later one, which only reload it. */
static void
compile (Compiler *c, int i)
{
  int r = c->reg_of ? c->reg_of[i] : -1;

  if (r < 0)
    {
      compile_node (c, i);
      return;
    }
  if (c->reg_done[r])
    {
      spill (c);
      emit (c, OP_PUSH_R, r);
      c->reg_loads[r]++;
      return;
    }
  compile_node (c, i);
  emit (c, OP_STORE_R, r);
  c->reg_done[r] = TRUE;
}

/* ---- public ---- */

static gboolean
mark_symbols (NrtExpr *e, int i)
{
  Node *n = NODE (e, i);
  gboolean a = n->a >= 0 && mark_symbols (e, n->a);
  gboolean b = n->b >= 0 && mark_symbols (e, n->b);

  n = NODE (e, i);
  n->has_sym = (n->kind == K_SYM && !n->constant) || a || b;
  return n->has_sym;
}

/* Marks the sub-trees that read values and compiles the program. */
static gboolean
nodes_equal (const NrtExpr *e, int i, int j)
{
  const Node *a = NODE (e, i), *b = NODE (e, j);

  if (i == j)
    return TRUE;
  if (a->kind != b->kind || a->fn != b->fn || (a->a < 0) != (b->a < 0)
      || (a->b < 0) != (b->b < 0))
    return FALSE;
  switch ((Kind) a->kind)
    {
    case K_NUM:
      return memcmp (&a->num, &b->num, sizeof a->num) == 0;
    case K_SYM:
      return a->slot == b->slot && a->constant == b->constant
             && memcmp (&a->scale, &b->scale, sizeof a->scale) == 0
             && (!a->constant || memcmp (&a->num, &b->num, sizeof a->num) == 0);
    default:
      return (a->a < 0 || nodes_equal (e, a->a, b->a)) && (a->b < 0 || nodes_equal (e, a->b, b->b));
    }
}

static void
collect (const NrtExpr *e, int i, GArray *out)
{
  const Node *n = NODE (e, i);

  g_array_append_val (out, i);
  if (n->a >= 0)
    collect (e, n->a, out);
  if (n->b >= 0)
    collect (e, n->b, out);
}

static void
compile_program (Compiler *c, NrtExpr *e, int *reg_of)
{
  memset (c, 0, sizeof *c);
  c->e = e;
  c->reg_of = reg_of;
  c->code = g_array_new (FALSE, FALSE, sizeof (Insn));
  c->consts = g_array_new (FALSE, FALSE, sizeof (double));
  compile (c, e->root);
  emit (c, OP_END, 0);
}

/* Marks the sub-trees that read values, finds repeated ones and compiles the program. */
static void
finish (NrtExpr *e)
{
  Compiler c;
  g_autoptr (GArray) reach = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree int *reg_of = NULL;
  int n_regs = 0;

  mark_symbols (e, e->root);
  collect (e, e->root, reach);
  if (reach->len <= 2000)
    {
      reg_of = g_new (int, e->nodes->len);
      for (guint i = 0; i < e->nodes->len; i++)
        reg_of[i] = -1;
      for (guint x = 0; x < reach->len && n_regs < NRT_EXPR_MAX_REGS; x++)
        {
          int i = g_array_index (reach, int, x);
          const Node *n = NODE (e, i);
          if (reg_of[i] >= 0 || !n->has_sym || n->kind == K_SYM || n->kind == K_NUM)
            continue;
          for (guint y = x + 1; y < reach->len; y++)
            {
              int j = g_array_index (reach, int, y);
              if (reg_of[j] < 0 && nodes_equal (e, i, j))
                {
                  if (reg_of[i] < 0)
                    reg_of[i] = n_regs++;
                  reg_of[j] = reg_of[i];
                }
            }
        }
    }
  compile_program (&c, e, n_regs > 0 ? reg_of : NULL);
  if (n_regs > 0)
    {
      /* registers never reloaded (inside a larger repeated sub-expression) are dropped */
      int map[NRT_EXPR_MAX_REGS], kept = 0;
      gboolean changed = FALSE;
      for (int r = 0; r < n_regs; r++)
        {
          map[r] = c.reg_loads[r] > 0 ? kept++ : -1;
          changed |= map[r] != r;
        }
      if (changed)
        {
          for (guint i = 0; i < e->nodes->len; i++)
            if (reg_of[i] >= 0)
              reg_of[i] = map[reg_of[i]];
          g_array_unref (c.code);
          g_array_unref (c.consts);
          compile_program (&c, e, kept > 0 ? reg_of : NULL);
        }
      n_regs = kept;
    }
  g_free (e->code);
  g_free (e->consts);
  e->n_regs = n_regs;
  e->n_code = c.code->len;
  e->code = (Insn *) g_array_free (c.code, FALSE);
  e->n_consts = c.consts->len;
  e->consts = (double *) g_array_free (c.consts, FALSE);
  e->max_stack = c.max_depth + 1;
}

NrtExpr *
nrt_expr_parse (const char *text, const NrtExprSymbols *symbols, GError **error)
{
  Parser p = { 0 };
  g_autoptr (NrtExpr) e = g_new0 (NrtExpr, 1);

  g_return_val_if_fail (text != NULL, NULL);
  e->text = g_strdup (text);
  e->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  p.text = e->text;
  p.symbols = symbols;
  p.expr = e;
  p.names = g_ptr_array_new_with_free_func (g_free);
  p.error = error;
  next (&p);
  if (!p.failed && p.tok == T_END)
    fail (&p, NRT_EXPR_ERROR_SYNTAX, "empty expression");
  e->root = parse_or (&p);
  if (!p.failed && p.tok != T_END)
    {
      if (p.tok == T_RP)
        fail (&p, NRT_EXPR_ERROR_SYNTAX,
              "unbalanced parenthesis: ')' at column %d has no '('", p.tok_start + 1);
      else
        fail (&p, NRT_EXPR_ERROR_SYNTAX, "unexpected '%.*s' at column %d",
              p.tok_end - p.tok_start, p.text + p.tok_start, p.tok_start + 1);
    }
  e->n_names = p.names->len;
  g_ptr_array_add (p.names, NULL);
  e->names = (char **) g_ptr_array_free (p.names, FALSE);
  if (p.failed)
    return NULL;

  finish (e);
  return g_steal_pointer (&e);
}

NrtExpr *
nrt_expr_inline (const NrtExpr *expr, guint slot, const NrtExpr *definition)
{
  NrtExpr *r = g_new0 (NrtExpr, 1);
  GPtrArray *names = g_ptr_array_new ();
  guint offset;

  r->text = g_strdup (expr->text);
  r->nodes = g_array_new (FALSE, TRUE, sizeof (Node));
  g_array_append_vals (r->nodes, expr->nodes->data, expr->nodes->len);
  r->root = expr->root;
  for (guint i = 0; i < expr->n_names; i++)
    g_ptr_array_add (names, g_strdup (expr->names[i]));
  offset = r->nodes->len;
  for (guint i = 0; i < definition->nodes->len; i++)
    {
      Node n = *NODE (definition, i);
      if (n.a >= 0)
        n.a += offset;
      if (n.b >= 0)
        n.b += offset;
      if (n.kind == K_SYM)
        {
          const char *name = definition->names[n.name];
          int k;
          for (k = 0; k < (int) names->len; k++)
            if (strcmp (g_ptr_array_index (names, k), name) == 0)
              break;
          if (k == (int) names->len)
            g_ptr_array_add (names, g_strdup (name));
          n.name = k;
        }
      g_array_append_val (r->nodes, n);
    }
  for (guint i = 0; i < offset; i++)
    {
      Node *n = NODE (r, i);
      if (n->kind == K_SYM && !n->constant && n->slot == slot)
        {
          /* values[slot] · scale: the definition stands for the scaled value only if 1 */
          g_warn_if_fail (n->scale == 1.0);
          *n = *NODE (r, offset + definition->root);
        }
    }
  r->n_names = names->len;
  g_ptr_array_add (names, NULL);
  r->names = (char **) g_ptr_array_free (names, FALSE);
  finish (r);
  return r;
}

void
nrt_expr_free (NrtExpr *expr)
{
  if (!expr)
    return;
  g_free (expr->text);
  if (expr->nodes)
    g_array_unref (expr->nodes);
  g_strfreev (expr->names);
  g_free (expr->code);
  g_free (expr->consts);
  g_free (expr);
}

guint
nrt_expr_program_size (const NrtExpr *expr)
{
  return expr->n_code;
}

gboolean
nrt_expr_is_condition (const NrtExpr *expr)
{
  return kind_is_condition (NODE (expr, expr->root)->kind);
}

static gboolean
node_uses_slot (const NrtExpr *e, int i, guint slot)
{
  const Node *n = NODE (e, i);

  if (n->kind == K_SYM)
    return !n->constant && n->slot == slot;
  return (n->a >= 0 && node_uses_slot (e, n->a, slot))
         || (n->b >= 0 && node_uses_slot (e, n->b, slot));
}

gboolean
nrt_expr_uses_slot (const NrtExpr *expr, guint slot)
{
  return node_uses_slot (expr, expr->root, slot);
}

/* The stack of small programs stays on the C stack; deeper ones (hundreds of nested
 * parentheses) use the heap. */
#define SMALL_STACK 32

/* Threaded dispatch (GNU C labels as values): one indirect jump per instruction, each from
 * its own place, which branch predictors follow better than a switch; OP_END closes the
 * program. */
static double
run (const NrtExpr *e, const double *values, double *stack)
{
#define FORM_LABELS(o) \
  [OP_##o##_S] = &&L_##o##_S, [OP_##o##_K] = &&L_##o##_K, [OP_##o##_V] = &&L_##o##_V, \
  [OP_##o##_RK] = &&L_##o##_RK, [OP_##o##_RV] = &&L_##o##_RV,
  static const void *const labels[] = {
    [OP_END] = &&L_END, [OP_PUSH_K] = &&L_PUSH_K, [OP_PUSH_V] = &&L_PUSH_V,
    [OP_NEG] = &&L_NEG, [OP_SQR] = &&L_SQR, [OP_FN] = &&L_FN, [OP_EXP] = &&L_EXP,
    [OP_PUSH_R] = &&L_PUSH_R, [OP_STORE_R] = &&L_STORE_R,
    BINARY_OPS (FORM_LABELS)
  };
#undef FORM_LABELS
  const Insn *pc = e->code;
  const double *k = e->consts;
  double acc = 0, regs[NRT_EXPR_MAX_REGS];
  int sp = 0;

#define DISPATCH() goto *labels[(pc++)->op]
  DISPATCH ();
L_PUSH_K: stack[sp++] = acc; acc = k[pc[-1].arg]; DISPATCH ();
L_PUSH_V: stack[sp++] = acc; acc = values[pc[-1].arg]; DISPATCH ();
L_NEG: acc = -acc; DISPATCH ();
L_SQR: acc = acc * acc; DISPATCH ();
L_EXP: acc = exp (acc); DISPATCH ();
L_PUSH_R: stack[sp++] = acc; acc = regs[pc[-1].arg]; DISPATCH ();
L_STORE_R: regs[pc[-1].arg] = acc; DISPATCH ();
L_FN: acc = apply_fn (pc[-1].arg, acc); DISPATCH ();
#define FORMS(o, EXPR) \
L_##o##_S: { double a = stack[--sp], b = acc; acc = (EXPR); } DISPATCH (); \
L_##o##_K: { double a = acc, b = k[pc[-1].arg]; acc = (EXPR); } DISPATCH (); \
L_##o##_V: { double a = acc, b = values[pc[-1].arg]; acc = (EXPR); } DISPATCH (); \
L_##o##_RK: { double a = k[pc[-1].arg], b = acc; acc = (EXPR); } DISPATCH (); \
L_##o##_RV: { double a = values[pc[-1].arg], b = acc; acc = (EXPR); } DISPATCH ();
  FORMS (ADD, a + b)
  FORMS (SUB, a - b)
  FORMS (MUL, a * b)
  FORMS (DIV, a / b)
  FORMS (POW, pow (a, b))
  FORMS (GT, a > b)
  FORMS (LT, a < b)
  FORMS (GE, a >= b)
  FORMS (LE, a <= b)
  FORMS (EQ, a == b)
  FORMS (NE, a != b)
  FORMS (AND, a != 0 && b != 0)
  FORMS (OR, a != 0 || b != 0)
#undef FORMS
#undef DISPATCH
L_END:
  return acc;
}

double
nrt_expr_eval (const NrtExpr *expr, const double *values)
{
  double small[SMALL_STACK + 1];

  if (G_LIKELY (expr->max_stack <= SMALL_STACK))
    return run (expr, values, small);
  else
    {
      g_autofree double *big = g_new (double, expr->max_stack + 1);
      return run (expr, values, big);
    }
}

/* ---- canonical text ---- */

static int
prec (const Node *n)
{
  switch ((Kind) n->kind)
    {
    case K_OR: return 1;
    case K_AND: return 2;
    case K_GT: case K_LT: case K_GE: case K_LE: case K_EQ: case K_NE: return 3;
    case K_ADD: case K_SUB: return 4;
    case K_MUL: case K_DIV: return 5;
    case K_NEG: return 6;
    case K_POW: return 7;
    default: return 8;  /* numbers, symbols, calls */
    }
}

static void
append_number (GString *s, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  char fmt[8];
  int digits;
  const char *e;

  /* the shortest %g form that reads back to the same double ... */
  for (digits = 1; digits <= 17; digits++)
    {
      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
  /* ... written without an exponent when %g chose one only for want of digits: 20, not
   * 2e+01 */
  e = strchr (buf, 'e');
  if (e && atoi (e + 1) > 0 && atoi (e + 1) < 17)
    {
      g_snprintf (fmt, sizeof fmt, "%%.%dg", MAX (digits, atoi (e + 1) + 1));
      g_ascii_formatd (buf, sizeof buf, fmt, v);
    }
  g_string_append (s, buf);
}

typedef struct {
  gboolean    nmodl;
  GHashTable *rename;  /* nullable: symbol name → text */
} Dialect;

static void to_text (const NrtExpr *e, int i, const Dialect *d, GString *s);

static void
child_text (const NrtExpr *e, int i, gboolean parens, const Dialect *d, GString *s)
{
  if (parens)
    g_string_append_c (s, '(');
  to_text (e, i, d, s);
  if (parens)
    g_string_append_c (s, ')');
}

static const char *
op_text (Kind k, const Dialect *d)
{
  if (d->nmodl)
    switch (k)
      {
      case K_GT: return ">";
      case K_LT: return "<";
      case K_GE: return ">=";
      case K_LE: return "<=";
      case K_EQ: return "==";
      case K_NE: return "!=";
      case K_AND: return "&&";
      case K_OR: return "||";
      default: break;
      }
  return node_kind_text (k);
}

static const char *
fn_text (Fn fn, const Dialect *d)
{
  if (d->nmodl && fn == F_LN)
    return "log";
  if (d->nmodl && fn == F_ABS)
    return "fabs";
  return functions[fn].name;
}

static void
to_text (const NrtExpr *e, int i, const Dialect *d, GString *s)
{
  const Node *n = NODE (e, i);
  int p = prec (n);
  const char *name;

  switch ((Kind) n->kind)
    {
    case K_NUM:
      append_number (s, n->num);
      return;
    case K_SYM:
      name = e->names[n->name];
      if (d->rename && g_hash_table_contains (d->rename, name))
        name = g_hash_table_lookup (d->rename, name);
      g_string_append (s, name);
      return;
    case K_FN:
      g_string_append (s, fn_text (n->fn, d));
      g_string_append_c (s, '(');
      to_text (e, n->a, d, s);
      if (n->b >= 0)
        {
          g_string_append (s, ", ");
          to_text (e, n->b, d, s);
        }
      g_string_append_c (s, ')');
      return;
    case K_NEG:
      /* -(x^2), -(a * b): readers disagree on how tightly a unary minus binds */
      g_string_append_c (s, '-');
      child_text (e, n->a, prec (NODE (e, n->a)) < 8, d, s);
      return;
    case K_POW:
      child_text (e, n->a, prec (NODE (e, n->a)) <= p, d, s);
      g_string_append_c (s, '^');
      child_text (e, n->b, prec (NODE (e, n->b)) < 8, d, s);
      return;
    default:
      /* left to right: a right operand of the same precedence needs parentheses; .and.
       * under .or. gets them too, as jLEMS and pyLEMS give the two one precedence */
      {
        int pa = prec (NODE (e, n->a)), pb = prec (NODE (e, n->b));
        child_text (e, n->a, pa < p || (p == 3 && pa == 3) || (p == 1 && pa == 2), d, s);
        g_string_append_printf (s, " %s ", op_text (n->kind, d));
        child_text (e, n->b, pb <= p || (p == 1 && pb == 2), d, s);
      }
      return;
    }
}

char *
nrt_expr_to_string (const NrtExpr *expr)
{
  GString *s = g_string_new (NULL);
  Dialect d = { FALSE, NULL };

  to_text (expr, expr->root, &d, s);
  return g_string_free (s, FALSE);
}

char *
nrt_expr_to_nmodl (const NrtExpr *expr, GHashTable *rename)
{
  GString *s = g_string_new (NULL);
  Dialect d = { TRUE, rename };

  to_text (expr, expr->root, &d, s);
  return g_string_free (s, FALSE);
}

/* ---- dimensions ---- */

typedef struct {
  NrtExprDim dim;
  gboolean   zero;      /* the literal 0 (or -0): any dimension */
  gboolean   constant;  /* no symbols: value known */
  double     value;
} DimInfo;

static void
dim_fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
dim_fail (GError **error, const char *format, ...)
{
  va_list ap;
  g_autofree char *msg = NULL;

  va_start (ap, format);
  msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  g_set_error_literal (error, NRT_EXPR_ERROR, NRT_EXPR_ERROR_DIMENSION, msg);
}

#define SUB_TEXT(e, n) (int) ((n)->end - (n)->start), (e)->text + (n)->start

static gboolean
dim_of (const NrtExpr *e, int i, DimInfo *out, GError **error)
{
  const Node *n = NODE (e, i);
  DimInfo a = { 0 }, b = { 0 };
  const Node *na = n->a >= 0 ? NODE (e, n->a) : NULL;
  const Node *nb = n->b >= 0 ? NODE (e, n->b) : NULL;

  memset (out, 0, sizeof *out);
  if (na && !dim_of (e, n->a, &a, error))
    return FALSE;
  if (nb && !dim_of (e, n->b, &b, error))
    return FALSE;
  out->constant = !node_has_symbols (e, i);
  if (out->constant)
    out->value = node_eval (e, i, NULL);

  switch ((Kind) n->kind)
    {
    case K_NUM:
      out->zero = n->num == 0;
      return TRUE;
    case K_SYM:
      out->dim = n->dim;
      return TRUE;
    case K_NEG:
      out->dim = a.dim;
      out->zero = a.zero;
      return TRUE;
    case K_ADD:
    case K_SUB:
    case K_GT: case K_LT: case K_GE: case K_LE: case K_EQ: case K_NE:
      if (!a.zero && !b.zero && !nrt_expr_dim_equal (a.dim, b.dim))
        {
          g_autofree char *da = nrt_expr_dim_to_string (a.dim);
          g_autofree char *db = nrt_expr_dim_to_string (b.dim);
          dim_fail (error, "cannot %s '%.*s' (%s) %s '%.*s' (%s) in '%.*s'",
                    n->kind == K_ADD ? "add" : n->kind == K_SUB ? "subtract" : "compare",
                    SUB_TEXT (e, n->kind == K_SUB ? nb : na),
                    n->kind == K_SUB ? db : da,
                    n->kind == K_ADD ? "and" : n->kind == K_SUB ? "from" : "with",
                    SUB_TEXT (e, n->kind == K_SUB ? na : nb),
                    n->kind == K_SUB ? da : db, SUB_TEXT (e, n));
          return FALSE;
        }
      if (kind_is_condition (n->kind))
        return TRUE;
      out->dim = a.zero && (!b.zero || nrt_expr_dim_is_none (a.dim)) ? b.dim : a.dim;
      out->zero = a.zero && b.zero;
      return TRUE;
    case K_AND:
    case K_OR:
      return TRUE;
    case K_MUL:
    case K_DIV:
      for (int k = 0; k < NRT_EXPR_N_BASE; k++)
        {
          int v = n->kind == K_MUL ? a.dim.e[k] + b.dim.e[k] : a.dim.e[k] - b.dim.e[k];
          if (v < G_MININT8 || v > G_MAXINT8)
            {
              dim_fail (error, "dimension exponent out of range in '%.*s'", SUB_TEXT (e, n));
              return FALSE;
            }
          out->dim.e[k] = v;
        }
      out->zero = a.zero && n->kind == K_MUL;
      return TRUE;
    case K_POW:
      if (!nrt_expr_dim_is_none (b.dim))
        {
          g_autofree char *db = nrt_expr_dim_to_string (b.dim);
          dim_fail (error, "the exponent '%.*s' in '%.*s' must be dimensionless, not %s",
                    SUB_TEXT (e, nb), SUB_TEXT (e, n), db);
          return FALSE;
        }
      if (nrt_expr_dim_is_none (a.dim))
        return TRUE;
      if (!b.constant || b.value != rint (b.value) || fabs (b.value) > 64)
        {
          g_autofree char *da = nrt_expr_dim_to_string (a.dim);
          dim_fail (error,
                    "'%.*s' is %s: in '%.*s' its exponent must be a constant integer",
                    SUB_TEXT (e, na), da, SUB_TEXT (e, n));
          return FALSE;
        }
      for (int k = 0; k < NRT_EXPR_N_BASE; k++)
        {
          int v = a.dim.e[k] * (int) b.value;
          if (v < G_MININT8 || v > G_MAXINT8)
            {
              dim_fail (error, "dimension exponent out of range in '%.*s'", SUB_TEXT (e, n));
              return FALSE;
            }
          out->dim.e[k] = v;
        }
      return TRUE;
    case K_FN:
      switch ((Fn) n->fn)
        {
        case F_ABS:
        case F_FLOOR:
        case F_CEIL:
          out->dim = a.dim;
          out->zero = a.zero;
          return TRUE;
        case F_H:
          return TRUE;
        case F_SQRT:
          for (int k = 0; k < NRT_EXPR_N_BASE; k++)
            {
              if (a.dim.e[k] % 2 != 0)
                {
                  g_autofree char *da = nrt_expr_dim_to_string (a.dim);
                  dim_fail (error,
                            "sqrt of '%.*s', which is %s, has no dimension with integer "
                            "exponents", SUB_TEXT (e, na), da);
                  return FALSE;
                }
              out->dim.e[k] = a.dim.e[k] / 2;
            }
          return TRUE;
        default:
          {
            const DimInfo *args[2] = { &a, &b };
            const Node *arg_nodes[2] = { na, nb };
            for (int k = 0; k < 2; k++)
              if (arg_nodes[k] && !nrt_expr_dim_is_none (args[k]->dim) && !args[k]->zero)
                {
                  g_autofree char *d = nrt_expr_dim_to_string (args[k]->dim);
                  dim_fail (error,
                            "%s needs a dimensionless argument, but '%.*s' is %s",
                            functions[n->fn].name, SUB_TEXT (e, arg_nodes[k]), d);
                  return FALSE;
                }
            return TRUE;
          }
        }
    }
  return TRUE;
}

gboolean
nrt_expr_check_dimensions (const NrtExpr *expr, NrtExprDim *dim, GError **error)
{
  DimInfo info;

  if (!dim_of (expr, expr->root, &info, error))
    return FALSE;
  if (dim)
    *dim = info.dim;
  return TRUE;
}

gboolean
nrt_expr_is_zero_literal (const NrtExpr *expr)
{
  const Node *n = NODE (expr, expr->root);

  while (n->kind == K_NEG)
    n = NODE (expr, n->a);
  return n->kind == K_NUM && n->num == 0;
}
