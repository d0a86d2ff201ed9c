/* test-expr.c: the LEMS expression engine (nrt-expr): precedence, functions against libm,
 * conditions, error messages, canonical text round trips, dimensions; with --bench, ns per
 * evaluation of a typical rate against the same expression compiled in C.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <unistd.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "nrt-expr.h"
#include "nrt-lems-types.h"

/* Symbol values used throughout: slots in this order. */
enum { X, Y, Z, A, B, C, V, N_SLOTS };
static const char *slot_names[N_SLOTS] = { "x", "y", "z", "a", "b", "c", "v" };
static const double vals[N_SLOTS] = { 1.7, -0.3, 2.5, 3.0, 7.0, 0.5, -0.065 };

static NrtExprSymbols *
test_symbols (void)
{
  NrtExprSymbols *s = nrt_expr_symbols_new ();

  for (int i = 0; i < N_SLOTS; i++)
    g_assert_cmpuint (nrt_expr_symbols_add (s, slot_names[i], NRT_EXPR_DIM_NONE, 1.0), ==, i);
  return s;
}

static gboolean
same_double (double a, double b)
{
  return (isnan (a) && isnan (b)) || memcmp (&a, &b, sizeof a) == 0;
}

static double
eval_text (const NrtExprSymbols *s, const char *text, const double *values)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtExpr) e = nrt_expr_parse (text, s, &error);

  g_assert_no_error (error);
  g_assert_nonnull (e);
  return nrt_expr_eval (e, values);
}

#define CHECK(text, value) check_value (s, text, (value), __LINE__)

static void
check_value (const NrtExprSymbols *s, const char *text, double expected, int line)
{
  double got = eval_text (s, text, vals);

  if (!same_double (got, expected))
    g_error ("line %d: '%s' gave %.17g, expected %.17g", line, text, got, expected);
}

static void
test_precedence (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  const double x = vals[X], y = vals[Y], z = vals[Z], a = vals[A], b = vals[B], c = vals[C];

  CHECK ("1 + 2 * 3", 7);
  CHECK ("(1 + 2) * 3", 9);
  CHECK ("x + y * z", x + y * z);
  CHECK ("x * y + z", x * y + z);
  CHECK ("x - y - z", (x - y) - z);
  CHECK ("x - (y - z)", x - (y - z));
  CHECK ("x / y / z", (x / y) / z);
  CHECK ("x / y * z", (x / y) * z);
  CHECK ("x * y / z", (x * y) / z);
  CHECK ("a - b + c", (a - b) + c);
  CHECK ("x + y - z", (x + y) - z);
  CHECK ("2 ^ 3 ^ 2", 512);                   /* right to left: 2^9 */
  CHECK ("(2 ^ 3) ^ 2", 64);
  CHECK ("a ^ c ^ b", pow (a, pow (c, b)));
  CHECK ("2 * a ^ 2", 2 * a * a);
  CHECK ("a ^ 2 * 2", a * a * 2);
  CHECK ("-x ^ 2", -(x * x));                  /* unary minus looser than ^ */
  CHECK ("-2 ^ 2", -4);
  CHECK ("(-x) ^ 2", x * x);
  CHECK ("2 ^ -1", 0.5);
  CHECK ("2 ^ -a * 3", pow (2, -a) * 3);
  CHECK ("-x * y", -x * y);
  CHECK ("x * -y", x * -y);
  CHECK ("x - -y", x - -y);
  CHECK ("--x", x);
  CHECK ("+x", x);
  CHECK ("-(x + y)", -(x + y));
  CHECK ("x^3", pow (x, 3));
  CHECK ("x^0.5", pow (x, 0.5));
  CHECK ("1e-3", 1e-3);
  CHECK (".5 * x", .5 * x);
  CHECK ("2.5E+2", 250);
  /* repeated sub-expressions are computed once */
  CHECK ("(x - y) / z / (1 - exp(-((x - y) / z)))", (x - y) / z / (1 - exp (-((x - y) / z))));
  CHECK ("(x + y) * (x + y) + (x + y) - exp(x + y) * exp(x + y)",
         (x + y) * (x + y) + (x + y) - exp (x + y) * exp (x + y));
  CHECK ("(x .gt. y) .and. (x .gt. y) .or. (x .gt. y)", 1);
  {
    /* x, y, z, store, reload, multiply, end: the inner x - y is not kept apart */
    g_autoptr (NrtExpr) e = nrt_expr_parse ("((x - y) / z) * ((x - y) / z)", s, NULL);
    g_assert_cmpuint (nrt_expr_program_size (e), ==, 7);
  }
  CHECK ("1.", 1);
}

static void
test_functions (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  static const double args[] = { -2.5, -1, -0.3, 0, 0.3, 1, 1.7, 2.5, 40, -700, 710 };
  static const struct {
    const char *name;
    double (*f) (double);
  } fns[] = {
    { "exp", exp }, { "log", log }, { "ln", log }, { "sqrt", sqrt }, { "abs", fabs },
    { "sin", sin }, { "cos", cos }, { "tan", tan }, { "sinh", sinh }, { "cosh", cosh },
    { "tanh", tanh }, { "floor", floor }, { "ceil", ceil },
  };

  for (gsize f = 0; f < G_N_ELEMENTS (fns); f++)
    for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
      {
        double values[N_SLOTS] = { args[i] };
        g_autofree char *text = g_strdup_printf ("%s(x)", fns[f].name);
        g_autofree char *text2 = g_strdup_printf ("%s(x * 1)", fns[f].name);
        double want = fns[f].f (args[i]);
        g_assert_true (same_double (eval_text (s, text, values), want));
        g_assert_true (same_double (eval_text (s, text2, values), want));
      }
  for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
    for (gsize j = 0; j < G_N_ELEMENTS (args); j++)
      {
        double values[N_SLOTS] = { args[i], args[j] };
        double want = pow (args[i], args[j]);
        g_assert_true (same_double (eval_text (s, "pow(x, y)", values), want));
        g_assert_true (same_double (eval_text (s, "x ^ y", values), want));
        g_assert_true (same_double (eval_text (s, "(x + 0) ^ (y + 0)", values), want));
      }
  /* H: jNeuroML's NEURON definition, 0.5 at 0 */
  CHECK ("H(x)", 1);
  CHECK ("H(y)", 0);
  CHECK ("H(0)", 0.5);
  CHECK ("H(x - 1.7)", 0.5);
  /* constants folded at parse time give the same bits as at run time */
  CHECK ("exp(1/3) * x", exp (1.0 / 3) * vals[X]);
  CHECK ("x * exp(-(0.065 + 0.035) / 0.01)", vals[X] * exp (-(0.065 + 0.035) / 0.01));
}

static void
test_conditions (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  static const struct {
    const char *text;
    double      value;
  } cases[] = {
    { "x .gt. y", 1 }, { "x .lt. y", 0 }, { "x .geq. 1.7", 1 }, { "x .leq. 1.7", 1 },
    { "x .eq. 1.7", 1 }, { "x .neq. 1.7", 0 }, { "x .gt. 1.7", 0 }, { "x .lt. 1.7", 0 },
    { "x .ge. 1.7", 1 }, { "x .le. 1", 0 }, { "x .ne. 1", 1 },
    { "x .gt. 0 .and. y .gt. 0", 0 }, { "x .gt. 0 .or. y .gt. 0", 1 },
    { "x .gt. 0 .and. y .lt. 0", 1 },
    /* .and. binds tighter than .or. */
    { "x .lt. 0 .and. y .lt. 0 .or. z .gt. 0", 1 },
    { "x .lt. 0 .and. (y .lt. 0 .or. z .gt. 0)", 0 },
    { "x + y .gt. z - 1", 0 }, { "x * 2 .geq. 3.4", 1 },
    { "(x .gt. 1)", 1 }, { "v .lt. -0.06", 1 }, { "v .lt. -0.06 + 0", 1 }, { "v .gt. -0.06", 0 },
    { "x.gt.1", 1 }, { "1.gt.x", 0 }, { "2.0.gt.x", 1 },
    { "v*1000 .eq. -65", 1 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NrtExpr) e = nrt_expr_parse (cases[i].text, s, &error);
      g_assert_no_error (error);
      g_assert_true (nrt_expr_is_condition (e));
      if (nrt_expr_eval (e, vals) != cases[i].value)
        g_error ("'%s' gave %g", cases[i].text, nrt_expr_eval (e, vals));
    }
  {
    g_autoptr (NrtExpr) e = nrt_expr_parse ("x + 1", s, NULL);
    g_assert_false (nrt_expr_is_condition (e));
    g_assert_true (nrt_expr_uses_slot (e, X));
    g_assert_false (nrt_expr_uses_slot (e, Y));
  }
}

static void
test_errors (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  static const struct {
    const char  *text;
    NrtExprError code;
    const char  *message;
  } cases[] = {
    { "x + foo(y)", NRT_EXPR_ERROR_UNKNOWN_FUNCTION, "unknown function 'foo' at column 5" },
    { "2 * (x + 1", NRT_EXPR_ERROR_SYNTAX,
      "unbalanced parenthesis: '(' at column 5 is not closed" },
    { "(x + 1))", NRT_EXPR_ERROR_SYNTAX,
      "unbalanced parenthesis: ')' at column 8 has no '('" },
    { "exp(x", NRT_EXPR_ERROR_SYNTAX, "unbalanced parenthesis: '(' at column 4 is not closed" },
    { "x + w", NRT_EXPR_ERROR_UNKNOWN_SYMBOL, "unknown symbol 'w' at column 5" },
    { "x +", NRT_EXPR_ERROR_SYNTAX,
      "expected a number, a name or '(' but found the end of the expression" },
    { "x * * y", NRT_EXPR_ERROR_SYNTAX,
      "expected a number, a name or '(' but found '*' at column 5" },
    { "x y", NRT_EXPR_ERROR_SYNTAX, "unexpected 'y' at column 3" },
    { "", NRT_EXPR_ERROR_SYNTAX, "empty expression" },
    { "   ", NRT_EXPR_ERROR_SYNTAX, "empty expression" },
    { "x # 2", NRT_EXPR_ERROR_SYNTAX, "unexpected character '#' at column 3" },
    { "x .gte. 2", NRT_EXPR_ERROR_SYNTAX, "unknown operator '.gte.' at column 3" },
    { ".not. (x .gt. 2)", NRT_EXPR_ERROR_SYNTAX,
      "unknown operator '.not.' at column 1 (LEMS has no .not.)" },
    { "pow(x)", NRT_EXPR_ERROR_SYNTAX, "pow takes 2 arguments, not 1 (column 1)" },
    { "exp(x, y)", NRT_EXPR_ERROR_SYNTAX, "exp takes 1 argument, not 2 (column 1)" },
    { "exp + 1", NRT_EXPR_ERROR_SYNTAX, "function 'exp' at column 1 needs '('" },
    { "(x .gt. 1) + 2", NRT_EXPR_ERROR_TYPE,
      "'(x .gt. 1)' is a condition, but '+' needs a number (column 1)" },
    { "x .and. y .gt. 0", NRT_EXPR_ERROR_TYPE,
      "'x' is a number, but '.and.' needs a condition (column 1)" },
    { "exp(x .gt. 0)", NRT_EXPR_ERROR_TYPE,
      "'x .gt. 0' is a condition, but a function needs a number (column 5)" },
    { "x .lt. y .lt. z", NRT_EXPR_ERROR_SYNTAX,
      "comparisons cannot be chained: '.lt.' at column 10 (use .and.)" },
    { "1e999 * x", NRT_EXPR_ERROR_SYNTAX, "number '1e999' out of range at column 1" },
    { "x . 2", NRT_EXPR_ERROR_SYNTAX, "unexpected '.' at column 3" },
    { "exp(x,)", NRT_EXPR_ERROR_SYNTAX,
      "expected a number, a name or '(' but found ')' at column 7" },
    { "exp(x y)", NRT_EXPR_ERROR_SYNTAX, "expected ',' or ')' but found 'y' at column 7" },
    { "2e", NRT_EXPR_ERROR_SYNTAX, "unexpected 'e' at column 2" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NrtExpr) e = nrt_expr_parse (cases[i].text, s, &error);
      g_assert_null (e);
      g_assert_nonnull (error);
      if (!g_error_matches (error, NRT_EXPR_ERROR, cases[i].code)
          || strcmp (error->message, cases[i].message) != 0)
        g_error ("'%s': got \"%s\" (code %d), expected \"%s\" (code %d)", cases[i].text,
                 error->message, error->code, cases[i].message, cases[i].code);
    }
}

/* ---- round trips ---- */

static void
check_round_trip (const NrtExprSymbols *s, const char *text, guint n_values)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtExpr) e = nrt_expr_parse (text, s, &error);
  g_autofree char *canon = NULL, *canon2 = NULL;
  g_autoptr (NrtExpr) e2 = NULL;
  GRand *rand = g_rand_new_with_seed (42);
  g_autofree double *values = g_new (double, MAX (n_values, 1));

  g_assert_no_error (error);
  canon = nrt_expr_to_string (e);
  e2 = nrt_expr_parse (canon, s, &error);
  if (!e2)
    g_error ("'%s' → '%s' does not parse: %s", text, canon, error->message);
  canon2 = nrt_expr_to_string (e2);
  g_assert_cmpstr (canon, ==, canon2);
  g_assert_cmpint (nrt_expr_is_condition (e), ==, nrt_expr_is_condition (e2));
  for (int trial = 0; trial < 200; trial++)
    {
      for (guint i = 0; i < n_values; i++)
        values[i] = trial == 0 ? 0 : g_rand_double_range (rand, -0.1, 0.1)
                                     * (trial % 3 == 0 ? 1000 : 1);
      double a = nrt_expr_eval (e, values), b = nrt_expr_eval (e2, values);
      if (!same_double (a, b))
        g_error ("'%s' (%.17g) and '%s' (%.17g) differ", text, a, canon, b);
    }
  g_rand_free (rand);
}

/* Representative custom rate types (the forms of Open Source Brain channel files: SI values
 * rescaled to mV and ms, conditional branches at singularities), written for this test. */
static const char *const corpus[] = {
  "v / VOLT_SCALE",
  "(0.07 * exp(-(V + 58) / 20)) / TIME_SCALE",
  "(1 / (exp(-0.1 * (V + 28)) + 1)) / TIME_SCALE",
  "0.1 * (V + 40) / (1 - exp(-(V + 40) / 10)) / TIME_SCALE",
  "1 / TIME_SCALE",
  "4 * exp(-(V + 65) / 18) / TIME_SCALE",
  "-0.01 * (V + 55) / (exp(-(V + 55) / 10) - 1)",
  "0.125 * exp(-(V + 65) / 80)",
  "1 / (1 + exp((V + 75) / 5.5))",
  "(1 / (exp((V + 82.3) / 9.5) + exp(-(V + 21.6) / 9.5)) + 0.5) * TIME_SCALE",
  "rate * exp((v - midpoint) / scale)",
  "rate / (1 + exp(0 - (v - midpoint) / scale))",
  "rate * (v - midpoint) / scale / (1 - exp(-(v - midpoint) / scale))",
  "(rate / (1 + exp(0 - (table_max - midpoint) / scale))) / TIME_SCALE",
  "V .eq. -40",
  "V .lt. -35 .and. V .geq. -80",
  "v .gt. table_max",
  "caConc / CONC_SCALE",
  "(1e-3 * ca) / (ca + 0.5e-3)",
  "2^((temperature - 296.15) / 10)",
  "q10 ^ ((temperature - 279.45) / 10) * 1e3",
  "1 / (1 + (0.5 / ca) ^ 4)",
  "-x^2 + a*-x^2 - (-x)^3 + 2^-x^2",
  "x - (y - z) - (a + b) / (c * x) / (y / z) + x ^ (y ^ z) + (x ^ y) ^ z",
  "H(V + 40) * exp(-V) + (1 - H(V + 40)) * 0.5",
  "abs(x) + floor(y) + ceil(z) + sqrt(a) + log(b) + ln(c) + sin(x) + cos(y) + tan(z)",
  "sinh(x) + cosh(y) + tanh(z) + pow(a, b) + pow(-x, 2)",
  "0.1 * 10 + 1e-300 * 1e300 + 123456789012345678 + 0.30000000000000004",
};

static NrtExprSymbols *
corpus_symbols (void)
{
  static const char *names[] = {
    "v", "V", "VOLT_SCALE", "TIME_SCALE", "CONC_SCALE", "rate", "midpoint", "scale",
    "table_max", "caConc", "ca", "temperature", "q10", "x", "y", "z", "a", "b", "c",
  };
  NrtExprSymbols *s = nrt_expr_symbols_new ();

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    nrt_expr_symbols_add (s, names[i], NRT_EXPR_DIM_NONE, 1.0);
  return s;
}

static void
test_round_trip_corpus (void)
{
  g_autoptr (NrtExprSymbols) s = corpus_symbols ();
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (corpus); i++)
    check_round_trip (s, corpus[i], nrt_expr_symbols_count (s));

  /* canonical spellings */
  static const struct {
    const char *in, *out;
  } canon[] = {
    { "(1+2)*3", "(1 + 2) * 3" },
    { "((x))", "x" },
    { "-x^2", "-(x^2)" },
    { "2^-1", "2^(-1)" },
    { "2^3^2", "2^(3^2)" },  /* jLEMS would group 2^3^2 as (2^3)^2 */
    { "(2^3)^2", "(2^3)^2" },
    { "a-(b-c)", "a - (b - c)" },
    { "a-(b+c)", "a - (b + c)" },
    { "(a-b)+c", "a - b + c" },
    { "a/(b*c)", "a / (b * c)" },
    { "x.gt.0.and.y.lt.1.or.z.eq.2", "(x .gt. 0 .and. y .lt. 1) .or. z .eq. 2" },
    { "x .gt. 0 .or. y .lt. 1 .and. z .eq. 2", "x .gt. 0 .or. (y .lt. 1 .and. z .eq. 2)" },
    { "x .gt. 0 .and. y .lt. 1 .and. z .eq. 2", "x .gt. 0 .and. y .lt. 1 .and. z .eq. 2" },
    { "x .ge. 1", "x .geq. 1" },
    { "1.0e-3 * .5", "0.001 * 0.5" },
    { "+x", "x" },
    { "pow(x,2)", "pow(x, 2)" },
    { "0.1", "0.1" },
    { "2.5E+20", "2.5e+20" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (canon); i++)
    {
      g_autoptr (NrtExpr) e = nrt_expr_parse (canon[i].in, s, &error);
      g_autofree char *text = NULL;
      g_assert_no_error (error);
      text = nrt_expr_to_string (e);
      g_assert_cmpstr (text, ==, canon[i].out);
    }
}

/* Every value= and condition= inside a ComponentType's Dynamics in the NeuroML files under
 * the shared directory. */
static void
collect_expressions (xmlNodePtr node, gboolean in_type, GPtrArray *exprs, GPtrArray *names)
{
  for (xmlNodePtr n = node; n; n = n->next)
    {
      gboolean here = in_type;
      if (n->type != XML_ELEMENT_NODE)
        continue;
      if (xmlStrcmp (n->name, BAD_CAST "ComponentType") == 0)
        here = TRUE;
      if (here)
        {
          xmlChar *name = xmlGetProp (n, BAD_CAST "name");
          xmlChar *value = xmlGetProp (n, BAD_CAST "value");
          xmlChar *cond = xmlGetProp (n, BAD_CAST "condition");
          if (name)
            g_ptr_array_add (names, g_strdup ((char *) name));
          if (value && (xmlStrcmp (n->name, BAD_CAST "DerivedVariable") == 0
                        || xmlStrcmp (n->name, BAD_CAST "Case") == 0))
            g_ptr_array_add (exprs, g_strdup ((char *) value));
          if (cond)
            g_ptr_array_add (exprs, g_strdup ((char *) cond));
          xmlFree (name);
          xmlFree (value);
          xmlFree (cond);
        }
      collect_expressions (n->children, here, exprs, names);
    }
}

static void
scan_dir (const char *dir, GPtrArray *files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (!d)
    return;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        scan_dir (path, files);
      else if (g_str_has_suffix (name, ".nml") || g_str_has_suffix (name, ".xml"))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static void
test_round_trip_files (void)
{
  const char *shared = g_getenv ("NRT_SHARED_DIR");
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) exprs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (NrtExprSymbols) s = NULL;

  if (!shared)
    {
      g_test_skip ("NRT_SHARED_DIR is not set");
      return;
    }
  dir = g_build_filename (shared, "neuroml", NULL);
  scan_dir (dir, files);
  for (guint i = 0; i < files->len; i++)
    {
      xmlDocPtr doc = xmlReadFile (g_ptr_array_index (files, i), NULL,
                                   XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
      if (!doc)
        continue;
      collect_expressions (xmlDocGetRootElement (doc), FALSE, exprs, names);
      xmlFreeDoc (doc);
    }
  if (exprs->len == 0)
    {
      g_autofree char *msg = g_strdup_printf (
          "no LEMS ComponentType expressions in the %u NeuroML files under %s "
          "(the representative corpus of /expr/round-trip/corpus still runs)",
          files->len, dir);
      g_test_skip (msg);
      return;
    }
  s = corpus_symbols ();
  for (guint i = 0; i < names->len; i++)
    nrt_expr_symbols_add (s, g_ptr_array_index (names, i), NRT_EXPR_DIM_NONE, 1.0);
  for (guint i = 0; i < exprs->len; i++)
    check_round_trip (s, g_ptr_array_index (exprs, i), nrt_expr_symbols_count (s));
  g_test_message ("%u expressions from %u files", exprs->len, files->len);
}

/* Random token strings: every one either parses, round-trips and evaluates identically, or
 * fails with a message; none crashes (run under valgrind in development). */
static void
test_fuzz (void)
{
  static const char *tokens[] = {
    "x", "y", "z", "a", "0", "1", "2", "0.5", "1e-3", "+", "-", "*", "/", "^", "(", ")",
    "(", ")", "exp(", "pow(", ",", "H(", "abs(", " .gt. ", " .lt. ", " .and. ", " .or. ",
    " .eq. ", "-", "-", "sqrt(", "log(",
  };
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  GRand *rand = g_rand_new_with_seed (7);
  guint parsed = 0;

  for (int trial = 0; trial < 20000; trial++)
    {
      GString *t = g_string_new (NULL);
      int len = g_rand_int_range (rand, 1, 14);
      g_autoptr (GError) error = NULL;
      g_autoptr (NrtExpr) e = NULL;

      for (int i = 0; i < len; i++)
        g_string_append (t, tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))]);
      e = nrt_expr_parse (t->str, s, &error);
      if (e)
        {
          NrtExprDim d;
          parsed++;
          check_round_trip (s, t->str, N_SLOTS);
          (void) nrt_expr_check_dimensions (e, &d, NULL);
        }
      else
        g_assert_true (error && error->message[0] != '\0');
      g_string_free (t, TRUE);
    }
  g_test_message ("%u of 20000 random strings parsed", parsed);
  g_assert_cmpuint (parsed, >, 500);
  g_rand_free (rand);
}

/* ---- NMODL ---- */

static void
test_nmodl_text (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  g_autoptr (GHashTable) rename = g_hash_table_new (g_str_hash, g_str_equal);
  static const char *cases[][2] = {
    { "x .gt. 0 .and. ln(abs(y)) .leq. 1 .or. z .neq. 2",
      "(x > 0 && log(fabs(y)) <= 1) || z != 2" },
    { "x .ge. 1 .or. y .eq. 2 .and. z .lt. 3", "x >= 1 || (y == 2 && z < 3)" },
    { "-x^2 + 2^3^2", "-(x^2) + 2^(3^2)" },
    { "H(v) * exp(v / 0.001)", "H((v * 0.001)) * exp((v * 0.001) / 0.001)" },
  };

  g_hash_table_insert (rename, "v", "(v * 0.001)");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (NrtExpr) e = nrt_expr_parse (cases[i][0], s, NULL);
      g_autofree char *text = nrt_expr_to_nmodl (e, rename);
      g_assert_cmpstr (text, ==, cases[i][1]);
    }
}

#define PYTHON "/usr/bin/python3"
#define NRN_LIB "/usr/lib/nrn"

static gboolean
spawn (char **argv, const char *cwd, char **envp, char **out)
{
  g_autofree char *err = NULL, *ignored = NULL;
  int status = 0;

  if (!g_spawn_sync (cwd, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, out ? out : &ignored, &err,
                     &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s", argv[0], err ? err : "");
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *e;
      while (d && (e = g_dir_read_name (d)))
        {
          g_autofree char *p = g_build_filename (path, e, NULL);
          remove_tree (p);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static gboolean
have_neuron (void)
{
  g_autofree char *nrnivmodl = g_find_program_in_path ("nrnivmodl");
  char *check[] = { PYTHON, "-c", "import neuron", NULL };

  return nrnivmodl && g_file_test (NRN_LIB "/nrnmech_makefile", G_FILE_TEST_EXISTS)
         && spawn (check, NULL, NULL, NULL);
}

/* Compiles mod_text as nrtexpr.mod with nrnivmodl, runs the Python lines in calls (after
 * "from neuron import h" and loading the library) and returns the numbers they print. */
static GArray *
neuron_run (const char *mod_text, const char *calls)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *nrnivmodl = g_find_program_in_path ("nrnivmodl");
  g_autofree char *tmp = NULL, *home = NULL, *bin = NULL, *link = NULL, *mod = NULL;
  g_autofree char *lib = NULL, *out = NULL, *py = NULL;
  g_auto (GStrv) envp = NULL;
  g_auto (GStrv) lines = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  tmp = g_dir_make_tmp ("nrt-expr-XXXXXX", &error);
  g_assert_no_error (error);
  home = g_build_filename (tmp, "nrnhome", NULL);
  bin = g_build_filename (home, "bin", NULL);
  link = g_build_filename (bin, "nrnmech_makefile", NULL);
  mod = g_build_filename (tmp, "nrtexpr.mod", NULL);
  g_assert_cmpint (g_mkdir_with_parents (bin, 0755), ==, 0);
  g_assert_cmpint (symlink (NRN_LIB "/nrnmech_makefile", link), ==, 0);
  g_assert_true (g_file_set_contents (mod, mod_text, -1, &error));
  /* Debian's nrnivmodl looks for $NRNHOME_EXEC/bin/nrnmech_makefile */
  envp = g_environ_setenv (g_get_environ (), "NRNHOME_EXEC", home, TRUE);
  {
    char *argv[] = { nrnivmodl, "-loadflags", "-L" NRN_LIB " -Wl,-rpath," NRN_LIB,
                     "nrtexpr.mod", NULL };
    spawn (argv, tmp, envp, NULL);  /* linking "special" may fail: the library is enough */
  }
  lib = g_build_filename (tmp, "x86_64", ".libs", "libnrnmech.so", NULL);
  if (!g_file_test (lib, G_FILE_TEST_EXISTS))
    {
      g_free (lib);
      lib = g_build_filename (tmp, "x86_64", "libnrnmech.so", NULL);
    }
  g_assert_true (g_file_test (lib, G_FILE_TEST_EXISTS));
  py = g_strdup_printf ("from neuron import h\nh.nrn_load_dll('%s')\n%s", lib, calls);
  {
    /* from a folder without x86_64/, which NEURON would load by itself */
    char *argv[] = { PYTHON, "-c", py, NULL };
    g_assert_true (spawn (argv, home, NULL, &out));
  }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *end = NULL;
      double x = g_ascii_strtod (lines[i], &end);
      if (end != lines[i] && *end == '\0')  /* not NEURON's banner */
        g_array_append_val (values, x);
    }
  remove_tree (tmp);
  return values;
}

/* The NMODL text of expressions, compiled by nrnivmodl and evaluated in NEURON, gives the same
 * values as nrt_expr_eval (operators, precedence, H as jNeuroML defines it). */
static void
test_nmodl_neuron (void)
{
  static const char *exprs[] = {
    "-x^2 + a*-x^2 - (-x)^3 + 2^-x^2",
    "x - (y - z) - (a + b) / (c * x) / (y / z) + x ^ (y ^ 2) + (x ^ a) ^ 2",
    "abs(y) + floor(y) + ceil(z) + sqrt(a) + log(b) + ln(c) + sin(x) + cos(y) + tan(z)",
    "sinh(x) + cosh(y) + tanh(z) + pow(a, b) + pow(-x, 2) + H(y) + H(x) + H(x - x)",
    "0.07 * exp(-(x * 10 + 58) / 20) / 0.001",
    "a * (x - y) / z / (1 - exp(-(x - y) / z))",
    "x .gt. 0 .and. y .lt. 0 .or. z .eq. 2.5",
    "x .leq. y .or. a .geq. b .and. c .neq. 0.5",
    "x * 1000 .eq. -65",
  };
  static const double sets[4][N_SLOTS] = {
    { 1.7, -0.3, 2.5, 3, 7, 0.5, -0.065 },
    { -0.065, 0.4, 2.5, 1.25, 0.3, 0.5, 0 },
    { 0.8, -2.2, -1.5, 0.7, 2, 4, 0 },
    { -6.5, 0, 3, 2, 1, 0.25, 0 },
  };
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = NULL;
  g_autoptr (GString) py = NULL;
  g_autoptr (GArray) theirs = NULL;
  guint n = 0;

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }
  text = g_string_new ("NEURON { SUFFIX nrtexpr }\n"
                       "FUNCTION H(x) {\n"
                       "  if (x < 0) { H = 0 } else if (x > 0) { H = 1 } else { H = 0.5 }\n"
                       "}\n");
  for (gsize i = 0; i < G_N_ELEMENTS (exprs); i++)
    {
      g_autoptr (NrtExpr) e = nrt_expr_parse (exprs[i], s, &error);
      g_autofree char *nm = NULL;
      g_assert_no_error (error);
      nm = nrt_expr_to_nmodl (e, NULL);
      if (nrt_expr_is_condition (e))
        g_string_append_printf (text, "FUNCTION f%zu(x, y, z, a, b, c, v) {\n"
                                "  if (%s) { f%zu = 1 } else { f%zu = 0 }\n}\n", i, nm, i, i);
      else
        g_string_append_printf (text, "FUNCTION f%zu(x, y, z, a, b, c, v) { f%zu = %s }\n", i,
                                i, nm);
    }
  py = g_string_new (NULL);
  for (gsize k = 0; k < G_N_ELEMENTS (sets); k++)
    for (gsize i = 0; i < G_N_ELEMENTS (exprs); i++)
      {
        g_string_append_printf (py, "print(repr(h.f%zu_nrtexpr(", i);
        for (int j = 0; j < N_SLOTS; j++)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append_printf (py, "%s%s", j ? ", " : "",
                                    g_ascii_dtostr (buf, sizeof buf, sets[k][j]));
          }
        g_string_append (py, ")))\n");
      }
  theirs = neuron_run (text->str, py->str);
  g_assert_cmpuint (theirs->len, ==, G_N_ELEMENTS (sets) * G_N_ELEMENTS (exprs));
  for (gsize k = 0; k < G_N_ELEMENTS (sets); k++)
    for (gsize i = 0; i < G_N_ELEMENTS (exprs); i++)
      {
        g_autoptr (NrtExpr) e = nrt_expr_parse (exprs[i], s, NULL);
        double ours = nrt_expr_eval (e, sets[k]);
        double ref = g_array_index (theirs, double, n++);
        if (!same_double (ours, ref))
          g_error ("'%s' at set %zu: Neurite %.17g, NEURON %.17g", exprs[i], k, ours, ref);
      }
  g_test_message ("%u values identical to NEURON's", n);
}


/* ---- dimensions ---- */

static NrtExprSymbols *
dim_symbols (void)
{
  NrtExprSymbols *s = nrt_expr_symbols_new ();
  static const char *syms[][2] = {
    { "v", "voltage" }, { "midpoint", "voltage" }, { "scale", "voltage" },
    { "rate", "per_time" }, { "t", "time" }, { "tau", "time" }, { "n", "none" },
    { "temperature", "temperature" }, { "caConc", "concentration" },
    { "g", "conductanceDensity" }, { "area", "area" }, { "len", "length" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (syms); i++)
    {
      NrtExprDim d;
      g_assert_true (nrt_expr_dim_from_name (syms[i][1], &d));
      nrt_expr_symbols_add (s, syms[i][0], d, 1.0);
    }
  return s;
}

static void
test_dimensions (void)
{
  g_autoptr (NrtExprSymbols) s = dim_symbols ();
  static const struct {
    const char *text;
    const char *dim;      /* expected, or NULL when rejected */
    const char *message;  /* when rejected */
  } cases[] = {
    { "rate * exp((v - midpoint) / scale)", "per_time (T^-1)", NULL },
    { "rate / (1 + exp(0 - (v - midpoint) / scale))", "per_time (T^-1)", NULL },
    { "1 / tau", "per_time (T^-1)", NULL },
    { "v", "voltage (M L^2 T^-3 I^-1)", NULL },
    { "v * v / v", "voltage (M L^2 T^-3 I^-1)", NULL },
    { "g * area * v", "current (I)", NULL },
    { "n ^ 2.5", "dimensionless", NULL },
    { "2 ^ n", "dimensionless", NULL },
    { "len ^ 2", "area (L^2)", NULL },
    { "len ^ 3", "volume (L^3)", NULL },
    { "len ^ -(2)", "L^-2", NULL },
    { "len ^ (1 + 2)", "volume (L^3)", NULL },
    { "sqrt(area)", "length (L)", NULL },
    { "abs(v) + v", "voltage (M L^2 T^-3 I^-1)", NULL },
    { "H(v - midpoint)", "dimensionless", NULL },
    { "v .gt. 0", "dimensionless", NULL },
    { "v - 0", "voltage (M L^2 T^-3 I^-1)", NULL },
    { "0 * v + 0", "voltage (M L^2 T^-3 I^-1)", NULL },
    { "v .gt. midpoint .and. t .lt. tau", "dimensionless", NULL },
    { "caConc / 0.001", "concentration (L^-3 N)", NULL },
    { "temperature - 273.15", NULL,
      "cannot subtract '273.15' (dimensionless) from 'temperature' (temperature (K)) in "
      "'temperature - 273.15'" },
    { "v + t", NULL,
      "cannot add 'v' (voltage (M L^2 T^-3 I^-1)) and 't' (time (T)) in 'v + t'" },
    { "rate * exp(v - midpoint)", NULL,
      "exp needs a dimensionless argument, but 'v - midpoint' is voltage "
      "(M L^2 T^-3 I^-1)" },
    { "v .gt. tau", NULL,
      "cannot compare 'v' (voltage (M L^2 T^-3 I^-1)) with 'tau' (time (T)) in 'v .gt. tau'" },
    { "len ^ n", NULL, "'len' is length (L): in 'len ^ n' its exponent must be a constant "
      "integer" },
    { "len ^ 0.5", NULL, "'len' is length (L): in 'len ^ 0.5' its exponent must be a "
      "constant integer" },
    { "n ^ t", NULL, "the exponent 't' in 'n ^ t' must be dimensionless, not time (T)" },
    { "sqrt(len)", NULL, "sqrt of 'len', which is length (L), has no dimension with integer "
      "exponents" },
    { "pow(v, 2)", NULL, "pow needs a dimensionless argument, but 'v' is voltage "
      "(M L^2 T^-3 I^-1)" },
    { "log(caConc)", NULL, "log needs a dimensionless argument, but 'caConc' is "
      "concentration (L^-3 N)" },
    { "1 + (v .gt. 0 .and. v * t .lt. 1)", NULL, NULL },  /* type error at parse */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NrtExpr) e = nrt_expr_parse (cases[i].text, s, &error);
      NrtExprDim d;
      if (!cases[i].dim && !cases[i].message)
        {
          g_assert_null (e);
          continue;
        }
      g_assert_no_error (error);
      gboolean ok = nrt_expr_check_dimensions (e, &d, &error);
      if (cases[i].dim)
        {
          g_autofree char *text = NULL;
          if (!ok)
            g_error ("'%s' rejected: %s", cases[i].text, error->message);
          text = nrt_expr_dim_to_string (d);
          g_assert_cmpstr (text, ==, cases[i].dim);
        }
      else
        {
          if (ok)
            g_error ("'%s' accepted", cases[i].text);
          g_assert_error (error, NRT_EXPR_ERROR, NRT_EXPR_ERROR_DIMENSION);
          g_assert_cmpstr (error->message, ==, cases[i].message);
        }
    }
}

static void
test_scale (void)
{
  /* values in mV and ms, expression in SI */
  g_autoptr (NrtExprSymbols) s = nrt_expr_symbols_new ();
  NrtExprDim volt, time;
  g_assert_true (nrt_expr_dim_from_name ("voltage", &volt));
  g_assert_true (nrt_expr_dim_from_name ("time", &time));
  g_assert_false (nrt_expr_dim_from_name ("voltages", &time));
  guint sv = nrt_expr_symbols_add (s, "v", volt, 1e-3);
  guint st = nrt_expr_symbols_add (s, "t", time, 1e-3);
  double values[2];
  values[sv] = -65;
  values[st] = 2;
  g_autoptr (NrtExpr) e = nrt_expr_parse ("v / t + v * 1 - t", s, NULL);
  g_assert_cmpfloat (nrt_expr_eval (e, values), ==,
                     (-65 * 1e-3) / (2 * 1e-3) + (-65 * 1e-3) * 1 - 2 * 1e-3);
  g_assert_cmpuint (nrt_expr_symbols_count (s), ==, 2);
  g_assert_cmpstr (nrt_expr_symbols_name (s, st), ==, "t");
  g_assert_true (nrt_expr_dim_equal (nrt_expr_symbols_dim (s, sv), volt));
  /* constants fold and print by name */
  {
    guint sk = nrt_expr_symbols_add_constant (s, "VOLT_SCALE", volt, 1e-3);
    g_autoptr (NrtExpr) e2 = nrt_expr_parse ("exp(-(v / VOLT_SCALE + 58) / 20)", s, NULL);
    g_autofree char *text = nrt_expr_to_string (e2);
    NrtExprDim d;
    g_assert_cmpstr (text, ==, "exp(-(v / VOLT_SCALE + 58) / 20)");
    g_assert_false (nrt_expr_uses_slot (e2, sk));
    g_assert_true (nrt_expr_check_dimensions (e2, &d, NULL));
    g_assert_true (nrt_expr_dim_is_none (d));
    g_assert_cmpfloat (nrt_expr_eval (e2, values), ==, exp (-((-65 * 1e-3) / 1e-3 + 58) / 20));
  }
  {
    g_autoptr (NrtExpr) z = nrt_expr_parse ("-(0)", s, NULL);
    g_autoptr (NrtExpr) nz = nrt_expr_parse ("0 * v", s, NULL);
    g_assert_true (nrt_expr_is_zero_literal (z));
    g_assert_false (nrt_expr_is_zero_literal (nz));
  }
  /* rebinding keeps the slot */
  g_assert_cmpuint (nrt_expr_symbols_add (s, "v", volt, 1.0), ==, sv);
  g_assert_cmpint (nrt_expr_symbols_lookup (s, "nope"), ==, -1);
}

static void
test_inline (void)
{
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  g_autoptr (NrtExpr) use = nrt_expr_parse ("exp(a * 2) + a / b - c", s, NULL);
  g_autoptr (NrtExpr) def = nrt_expr_parse ("x - y * -z", s, NULL);
  g_autoptr (NrtExpr) cond = nrt_expr_parse ("a .gt. 1 .and. b .lt. 10", s, NULL);
  g_autoptr (NrtExpr) in = nrt_expr_inline (use, A, def);
  g_autoptr (NrtExpr) in_cond = nrt_expr_inline (cond, A, def);
  g_autofree char *text = nrt_expr_to_string (in);
  double values[N_SLOTS];

  memcpy (values, vals, sizeof values);
  values[A] = nrt_expr_eval (def, values);
  g_assert_cmpfloat (nrt_expr_eval (in, vals), ==, nrt_expr_eval (use, values));
  g_assert_cmpfloat (nrt_expr_eval (in_cond, vals), ==, nrt_expr_eval (cond, values));
  g_assert_cmpstr (text, ==, "exp((x - y * -z) * 2) + (x - y * -z) / b - c");
  g_assert_false (nrt_expr_uses_slot (in, A));
  g_assert_true (nrt_expr_uses_slot (in, Z));
  g_assert_true (nrt_expr_is_condition (in_cond));
  g_assert_cmpuint (nrt_expr_program_size (in), >, nrt_expr_program_size (use));
}

static void
test_deep (void)
{
  /* deeper than the evaluator's on-stack array */
  g_autoptr (NrtExprSymbols) s = test_symbols ();
  GString *t = g_string_new (NULL);
  double want = 0;

  for (int i = 0; i < 100; i++)
    g_string_append (t, "x + (");
  g_string_append (t, "y");
  for (int i = 0; i < 100; i++)
    g_string_append (t, ")");
  want = vals[Y];
  for (int i = 0; i < 100; i++)
    want = vals[X] + want;
  g_assert_cmpfloat (eval_text (s, t->str, vals), ==, want);
  g_string_free (t, TRUE);
}


/* ---- custom LEMS rate types ---- */

/* Written for this test in the forms of Open Source Brain channel files (the NeuroML
 * documentation's OLM cell channels are not under the shared directory). */
static const char nav_alpha_h[] =
  "<neuroml>\n"
  "  <ComponentType name=\"Nav_alpha_h\" extends=\"baseVoltageDepRate\">\n"
  "    <Constant name=\"TIME_SCALE\" dimension=\"time\" value=\"1 ms\"/>\n"
  "    <Constant name=\"VOLT_SCALE\" dimension=\"voltage\" value=\"1 mV\"/>\n"
  "    <Dynamics>\n"
  "      <DerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\"\n"
  "                       value=\"0.07 * exp(-(V + 58) / 20) / TIME_SCALE\"/>\n"
  "      <DerivedVariable name=\"V\" dimension=\"none\" value=\"v / VOLT_SCALE\"/>\n"
  "    </Dynamics>\n"
  "  </ComponentType>\n"
  "</neuroml>\n";

static const char nav_alpha_m[] =
  "<ComponentType name=\"Nav_alpha_m\" extends=\"baseVoltageDepRate\">\n"
  "  <Constant name=\"TIME_SCALE\" dimension=\"time\" value=\"1 ms\"/>\n"
  "  <Constant name=\"VOLT_SCALE\" dimension=\"voltage\" value=\"1 mV\"/>\n"
  "  <Dynamics>\n"
  "    <DerivedVariable name=\"V\" dimension=\"none\" value=\"v / VOLT_SCALE\"/>\n"
  "    <ConditionalDerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\">\n"
  "      <Case condition=\"V .eq. -40\" value=\"1 / TIME_SCALE\"/>\n"
  "      <Case value=\"0.1 * (V + 40) / (1 - exp(-(V + 40) / 10)) / TIME_SCALE\"/>\n"
  "    </ConditionalDerivedVariable>\n"
  "  </Dynamics>\n"
  "</ComponentType>\n";

static const char kdr_tau[] =
  "<ComponentType name=\"Kdr_tau\" extends=\"baseVoltageDepTime\">\n"
  "  <Requirement name=\"temperature\" dimension=\"temperature\"/>\n"
  "  <Constant name=\"TIME_SCALE\" dimension=\"time\" value=\"1 ms\"/>\n"
  "  <Constant name=\"VOLT_SCALE\" dimension=\"voltage\" value=\"1 mV\"/>\n"
  "  <Constant name=\"REF_TEMP\" dimension=\"temperature\" value=\"6.3 degC\"/>\n"
  "  <Constant name=\"TEMP_SCALE\" dimension=\"temperature\" value=\"10 K\"/>\n"
  "  <Dynamics>\n"
  "    <DerivedVariable name=\"V\" dimension=\"none\" value=\"v / VOLT_SCALE\"/>\n"
  "    <DerivedVariable name=\"q10\" value=\"3 ^ ((temperature - REF_TEMP) / TEMP_SCALE)\"/>\n"
  "    <DerivedVariable name=\"t\" dimension=\"time\" exposure=\"t\"\n"
  "      value=\"(1 / (exp((V + 82.3) / 9.5) + exp(-(V + 21.6) / 9.5)) + 0.5) * TIME_SCALE / q10\"/>\n"
  "  </Dynamics>\n"
  "</ComponentType>\n";

static const char sigmoid_inf[] =
  "<ComponentType name=\"cut_sigmoid\" extends=\"baseVoltageDepVariable\">\n"
  "  <Parameter name=\"rate\" dimension=\"none\"/>\n"
  "  <Parameter name=\"midpoint\" dimension=\"voltage\"/>\n"
  "  <Parameter name=\"scale\" dimension=\"voltage\"/>\n"
  "  <Constant name=\"table_max\" dimension=\"voltage\" value=\"40 mV\"/>\n"
  "  <Exposure name=\"x\" dimension=\"none\"/>\n"
  "  <Dynamics>\n"
  "    <ConditionalDerivedVariable name=\"x\" dimension=\"none\" exposure=\"x\">\n"
  "      <Case condition=\"v .gt. table_max\" value=\"rate / (1 + exp(0 - (table_max - midpoint) / scale))\"/>\n"
  "      <Case value=\"rate / (1 + exp(0 - (v - midpoint) / scale))\"/>\n"
  "    </ConditionalDerivedVariable>\n"
  "  </Dynamics>\n"
  "</ComponentType>\n";

static const char ca_rate[] =
  "<ComponentType name=\"kca_alpha\" extends=\"baseVoltageConcDepRate\">\n"
  "  <Constant name=\"TIME_SCALE\" dimension=\"time\" value=\"1 ms\"/>\n"
  "  <Constant name=\"CONC_SCALE\" dimension=\"concentration\" value=\"1 mM\"/>\n"
  "  <Constant name=\"VOLT_SCALE\" dimension=\"voltage\" value=\"1 mV\"/>\n"
  "  <Dynamics>\n"
  "    <DerivedVariable name=\"ca\" dimension=\"none\" value=\"caConc / CONC_SCALE\"/>\n"
  "    <DerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\"\n"
  "      value=\"0.48 / (1 + 0.18 / ca * exp(-1.68 * v / VOLT_SCALE / 25.6)) / TIME_SCALE\"/>\n"
  "  </Dynamics>\n"
  "</ComponentType>\n";

static void
test_lems_types (void)
{
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (nav_alpha_h, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (nrt_lems_rate_type_get_name (t), ==, "Nav_alpha_h");
    g_assert_cmpstr (nrt_lems_rate_type_get_extends (t), ==, "baseVoltageDepRate");
    g_assert_cmpint (nrt_lems_rate_type_get_kind (t), ==, NRT_LEMS_RATE);
    g_assert_cmpuint (nrt_lems_rate_type_get_n_params (t), ==, 0);
    g_assert_false (nrt_lems_rate_type_uses_temperature (t));
    g_assert_cmpuint (nrt_lems_rate_type_get_n_steps (t), ==, 1);  /* V inlined into r */
    for (double v = -0.1; v < 0.05; v += 0.0071)
      {
        /* in SI: 1/s at volts */
        double want = 0.07 * exp (-(v / 0.001 + 58) / 20) / 0.001;
        g_assert_cmpfloat (nrt_lems_rate_eval (t, NULL, v, 6.3), ==, want);
      }
  }
  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (nav_alpha_m, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (nrt_lems_rate_type_get_n_steps (t), ==, 1);  /* V inlined in both cases */
    {
      g_autofree char *nm = nrt_lems_rate_type_to_nmodl (t, "alpha_m");
      g_assert_cmpstr (nm, ==,
                       "FUNCTION alpha_m(v) {\n"
                       "  LOCAL v_si, d_r\n"
                       "  v_si = v / 1000\n"
                       "  if (v_si / 0.001 == -40) {\n"
                       "    d_r = 1 / 0.001\n"
                       "  } else {\n"
                       "    d_r = 0.1 * (v_si / 0.001 + 40) / (1 - exp(-(v_si / 0.001 + 40) / 10))"
                       " / 0.001\n"
                       "  }\n"
                       "  alpha_m = d_r / 1000\n"
                       "}\n");
    }
    /* the singular point takes the first case */
    g_assert_cmpfloat (nrt_lems_rate_eval (t, NULL, -0.040, 6.3), ==, 1 / 0.001);
    for (double v = -0.1; v < 0.05; v += 0.0071)
      {
        double V = v / 0.001;
        double want = V == -40 ? 1 / 0.001 : 0.1 * (V + 40) / (1 - exp (-(V + 40) / 10)) / 0.001;
        g_assert_cmpfloat (nrt_lems_rate_eval (t, NULL, v, 6.3), ==, want);
      }
  }
  {
    /* no Case applies: 0 */
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (
      "<ComponentType name=\"c\" extends=\"baseVoltageDepRate\">\n"
      "<Constant name=\"T\" dimension=\"time\" value=\"1 ms\"/>\n<Dynamics>\n"
      "<ConditionalDerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\">\n"
      "<Case condition=\"v .gt. 0\" value=\"2 / T\"/>\n"
      "</ConditionalDerivedVariable></Dynamics></ComponentType>", &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (nrt_lems_rate_eval (t, NULL, 0.01, 6.3), ==, 2000);
    g_assert_cmpfloat (nrt_lems_rate_eval (t, NULL, -0.01, 6.3), ==, 0);
  }
  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (kdr_tau, &error);
    g_assert_no_error (error);
    g_assert_cmpint (nrt_lems_rate_type_get_kind (t), ==, NRT_LEMS_TIME);
    g_assert_true (nrt_lems_rate_type_uses_temperature (t));
    g_assert_cmpuint (nrt_lems_rate_type_get_n_steps (t), ==, 1);
    for (double celsius = 6.3; celsius < 40; celsius += 10)
      for (double v = -0.1; v < 0.05; v += 0.013)
        {
          double V = v / 0.001, T = celsius + 273.15;
          double q10 = pow (3, (T - (6.3 + 273.15)) / 10);
          double want = (1 / (exp ((V + 82.3) / 9.5) + exp (-(V + 21.6) / 9.5)) + 0.5) * 0.001
                        / q10;
          double got = nrt_lems_rate_eval (t, NULL, v, celsius);
          g_assert_cmpfloat (got, ==, want);
        }
  }
  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (sigmoid_inf, &error);
    double params[3];
    g_assert_no_error (error);
    g_assert_cmpint (nrt_lems_rate_type_get_kind (t), ==, NRT_LEMS_VARIABLE);
    g_assert_cmpuint (nrt_lems_rate_type_get_n_params (t), ==, 3);
    g_assert_cmpstr (nrt_lems_rate_type_get_param_name (t, 2), ==, "scale");
    g_assert_cmpint (nrt_lems_rate_type_find_param (t, "midpoint"), ==, 1);
    g_assert_cmpint (nrt_lems_rate_type_find_param (t, "nope"), ==, -1);
    {
      NrtExprDim volt;
      g_assert_true (nrt_expr_dim_from_name ("voltage", &volt));
      g_assert_true (nrt_expr_dim_equal (nrt_lems_rate_type_get_param_dim (t, 1), volt));
    }
    params[0] = 1;
    params[1] = -0.014;
    params[2] = 0.0166;
    for (double v = -0.1; v < 0.08; v += 0.0071)
      {
        double vv = v > 0.040 ? 0.040 : v;
        double want = 1 / (1 + exp (0 - (vv - -0.014) / 0.0166));
        g_assert_cmpfloat (nrt_lems_rate_eval (t, params, v, 6.3), ==, want);
      }
  }
  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (ca_rate, &error);
    g_assert_no_error (error);
    g_assert_true (nrt_lems_rate_type_uses_conc (t));
    for (double ca = 1e-4; ca < 1; ca *= 3)
      {
        double v = -0.065;
        double want = 0.48 / (1 + 0.18 / ca * exp (-1.68 * v / 0.001 / 25.6)) / 0.001;
        g_assert_cmpfloat (nrt_lems_rate_eval_conc (t, NULL, v, 6.3, ca), ==, want);
      }
  }
}

/* A channel file as a reader sees it: the gate's rate elements name custom types, one of
 * them with the HHRate attributes as Parameters; a synapse ComponentType is not a rate. */
static const char channel_doc[] =
  "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\" id=\"kdr\">\n"
  "  <ionChannelHH id=\"kdr\" conductance=\"10pS\" species=\"k\">\n"
  "    <gateHHrates id=\"n\" instances=\"4\">\n"
  "      <forwardRate type=\"kdr_alpha_n\" rate=\"0.1per_ms\" midpoint=\"-55mV\" scale=\"10mV\"/>\n"
  "      <reverseRate type=\"kdr_beta_n\"/>\n"
  "    </gateHHrates>\n"
  "  </ionChannelHH>\n"
  "  <ComponentType name=\"kdr_alpha_n\" extends=\"baseVoltageDepRate\">\n"
  "    <Parameter name=\"rate\" dimension=\"per_time\"/>\n"
  "    <Parameter name=\"midpoint\" dimension=\"voltage\"/>\n"
  "    <Parameter name=\"scale\" dimension=\"voltage\"/>\n"
  "    <Dynamics>\n"
  "      <DerivedVariable name=\"x\" dimension=\"none\" value=\"(v - midpoint) / scale\"/>\n"
  "      <ConditionalDerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\">\n"
  "        <Case condition=\"x .neq. 0\" value=\"rate * x / (1 - exp(0 - x))\"/>\n"
  "        <Case value=\"rate\"/>\n"
  "      </ConditionalDerivedVariable>\n"
  "    </Dynamics>\n"
  "  </ComponentType>\n"
  "  <ComponentType name=\"kdr_beta_n\" extends=\"baseVoltageDepRate\">\n"
  "    <Constant name=\"TIME_SCALE\" dimension=\"time\" value=\"1 ms\"/>\n"
  "    <Constant name=\"VOLT_SCALE\" dimension=\"voltage\" value=\"1 mV\"/>\n"
  "    <Dynamics>\n"
  "      <DerivedVariable name=\"r\" dimension=\"per_time\" exposure=\"r\"\n"
  "        value=\"0.125 * exp(-(v / VOLT_SCALE + 65) / 80) / TIME_SCALE\"/>\n"
  "    </Dynamics>\n"
  "  </ComponentType>\n"
  "  <ComponentType name=\"mySynapse\" extends=\"baseSynapse\">\n"
  "    <Dynamics><StateVariable name=\"g\" dimension=\"conductance\"/></Dynamics>\n"
  "  </ComponentType>\n"
  "</neuroml>\n";

static void
test_lems_library (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (NrtLemsTypeLibrary) lib = nrt_lems_type_library_new ();
  xmlDocPtr doc = xmlReadMemory (channel_doc, sizeof channel_doc - 1, "kdr.channel.nml", NULL,
                                 XML_PARSE_NONET);
  xmlNodePtr gate = NULL, fwd = NULL, rev = NULL;
  const NrtLemsRateType *alpha, *beta;
  double params[3];

  g_assert_nonnull (doc);
  g_assert_true (nrt_lems_type_library_add (lib, xmlDocGetRootElement (doc), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (nrt_lems_type_library_get_n_types (lib), ==, 2);
  g_assert_null (nrt_lems_type_library_lookup (lib, "mySynapse"));
  g_assert_true (nrt_lems_is_rate_base ("baseVoltageConcDepTime"));
  g_assert_false (nrt_lems_is_rate_base ("baseSynapse"));
  /* the same document twice: names clash */
  g_assert_false (nrt_lems_type_library_add (lib, xmlDocGetRootElement (doc), &error));
  g_assert_cmpstr (error->message, ==, "line 8: ComponentType 'kdr_alpha_n' is defined twice");
  g_clear_error (&error);

  for (xmlNodePtr n = xmlDocGetRootElement (doc)->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && xmlStrcmp (n->name, BAD_CAST "ionChannelHH") == 0)
      for (gate = n->children; gate && gate->type != XML_ELEMENT_NODE; gate = gate->next)
        ;
  g_assert_nonnull (gate);
  for (xmlNodePtr n = gate->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE)
      {
        if (!fwd)
          fwd = n;
        else
          rev = n;
      }
  g_assert_nonnull (rev);
  {
    g_autofree char *ft = (char *) xmlGetProp (fwd, BAD_CAST "type");
    g_autofree char *rt = (char *) xmlGetProp (rev, BAD_CAST "type");
    alpha = nrt_lems_type_library_lookup (lib, ft);
    beta = nrt_lems_type_library_lookup (lib, rt);
  }
  g_assert_nonnull (alpha);
  g_assert_nonnull (beta);
  g_assert_true (nrt_lems_rate_type_read_params (alpha, fwd, params, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (params[0], ==, 100);     /* 0.1 per_ms in 1/s */
  g_assert_cmpfloat (params[1], ==, -0.055);  /* V */
  g_assert_cmpfloat (params[2], ==, 0.01);
  g_assert_false (nrt_lems_rate_type_read_params (alpha, rev, params, &error));
  g_assert_cmpstr (error->message, ==,
                   "line 5: <reverseRate> of type 'kdr_alpha_n' needs the parameter rate "
                   "(per_time)");
  g_clear_error (&error);
  g_assert_true (nrt_lems_rate_type_read_params (alpha, fwd, params, &error));

  /* the gate's inf and tau as a reader in mV and ms computes them, against hh.mod's n gate */
  for (double vm = -100; vm <= 50; vm += 0.5)
    {
      double a = nrt_lems_rate_eval (alpha, params, vm / 1000, 6.3) / 1000;  /* /ms */
      double b = nrt_lems_rate_eval (beta, NULL, vm / 1000, 6.3) / 1000;
      double x = (vm / 1000 - -0.055) / 0.01;
      double a_ref = x != 0 ? 100 * x / (1 - exp (0 - x)) / 1000 : 100.0 / 1000;
      double b_ref = 0.125 * exp (-(vm / 1000 / 0.001 + 65) / 80) / 0.001 / 1000;
      g_assert_cmpfloat (a, ==, a_ref);
      g_assert_cmpfloat (b, ==, b_ref);
      /* and within rounding of hh.mod's formulas in mV and ms */
      double a_hh = fabs (vm + 55) < 1e-9 ? 0.1 : 0.01 * (vm + 55) / (1 - exp (-(vm + 55) / 10));
      g_assert_cmpfloat_with_epsilon (a, a_hh, 1e-14);
      g_assert_cmpfloat_with_epsilon (b, 0.125 * exp (-(vm + 65) / 80), 1e-14);
    }
  xmlFreeDoc (doc);
}

/* Custom rate types against the same gates written by hand in NMODL (mV, ms, celsius), as a
 * NeuroML reader would use them: v_V = v_mV / 1000, rates /1000, times ·1000. */
static void
test_lems_neuron (void)
{
  static const char mod[] =
    "NEURON { SUFFIX nrtexpr }\n"
    "PARAMETER { celsius (degC) }\n"
    "FUNCTION alpha_h(v) { alpha_h = 0.07 * exp(-(v + 58) / 20) }\n"
    "FUNCTION alpha_m(v) {\n"
    "  if (v == -40) { alpha_m = 1 } else { alpha_m = 0.1 * (v + 40) / (1 - exp(-(v + 40) / 10)) }\n"
    "}\n"
    "FUNCTION tau_n(v) {\n"
    "  LOCAL q10\n"
    "  q10 = 3^((celsius - 6.3) / 10)\n"
    "  tau_n = (1 / (exp((v + 82.3) / 9.5) + exp(-(v + 21.6) / 9.5)) + 0.5) / q10\n"
    "}\n"
    "FUNCTION inf(v) {\n"
    "  LOCAL vv\n"
    "  vv = v\n"
    "  if (vv > 40) { vv = 40 }\n"
    "  inf = 1 / (1 + exp(-(vv + 14) / 16.6))\n"
    "}\n"
    "FUNCTION kca(v, cai) { kca = 0.48 / (1 + 0.18 / cai * exp(-1.68 * v / 25.6)) }\n";
  const char *xml[] = { nav_alpha_h, nav_alpha_m, kdr_tau, sigmoid_inf, ca_rate };
  const char *fn[] = { "alpha_h", "alpha_m", "tau_n", "inf", "kca" };
  const double celsius[] = { 6.3, 22, 34 };
  const double cai = 5e-4;
  g_autoptr (GString) py = g_string_new (NULL);
  g_autoptr (GArray) theirs = NULL;
  double worst = 0;
  guint n = 0;

  if (!have_neuron ())
    {
      g_test_skip ("NEURON (python3 -c 'import neuron', nrnivmodl and "
                   NRN_LIB "/nrnmech_makefile) is not installed");
      return;
    }
  for (gsize c = 0; c < G_N_ELEMENTS (celsius); c++)
    {
      g_string_append_printf (py, "h.celsius = %g\n", celsius[c]);
      for (gsize f = 0; f < G_N_ELEMENTS (fn); f++)
        g_string_append_printf (py, "for i in range(301):\n"
                                "  print(repr(h.%s_nrtexpr(i * 0.5 - 100%s)))\n", fn[f],
                                f == 4 ? ", 5e-4" : "");
    }
  /* and the NMODL that nrt_lems_rate_type_to_nmodl writes for the same types */
  {
    g_autoptr (GString) text = g_string_new (mod);
    for (gsize f = 0; f < G_N_ELEMENTS (fn); f++)
      {
        g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (xml[f], NULL);
        g_autofree char *name = g_strdup_printf ("lems_%s", fn[f]);
        g_autofree char *nm = nrt_lems_rate_type_to_nmodl (t, name);
        g_string_append (text, nm);
      }
    for (gsize c = 0; c < G_N_ELEMENTS (celsius); c++)
      {
        g_string_append_printf (py, "h.celsius = %g\n", celsius[c]);
        for (gsize f = 0; f < G_N_ELEMENTS (fn); f++)
          g_string_append_printf (py, "for i in range(301):\n"
                                  "  print(repr(h.lems_%s_nrtexpr(i * 0.5 - 100%s)))\n", fn[f],
                                  f == 3 ? ", 1, -0.014, 0.0166" : f == 4 ? ", 5e-4" : "");
      }
    theirs = neuron_run (text->str, py->str);
  }
  g_assert_cmpuint (theirs->len, ==, 2 * G_N_ELEMENTS (celsius) * G_N_ELEMENTS (fn) * 301);
  for (gsize c = 0; c < G_N_ELEMENTS (celsius); c++)
    for (gsize f = 0; f < G_N_ELEMENTS (fn); f++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (xml[f], &error);
        double params[3] = { 1, -0.014, 0.0166 };  /* sigmoid_inf's rate, midpoint, scale */
        g_assert_no_error (error);
        for (int i = 0; i <= 300; i++)
          {
            double vm = i * 0.5 - 100;
            double r = nrt_lems_rate_eval_conc (t, params, vm / 1000, celsius[c], cai);
            double ours, ref = g_array_index (theirs, double, n++);
            switch (nrt_lems_rate_type_get_kind (t))
              {
              case NRT_LEMS_RATE: ours = r / 1000; break;      /* 1/s → 1/ms */
              case NRT_LEMS_TIME: ours = r * 1000; break;      /* s → ms */
              default: ours = r; break;
              }
            double rel = fabs (ours - ref) / fabs (ref);
            worst = MAX (worst, rel);
            if (rel > 1e-13)
              g_error ("%s at %g mV, %g °C: Neurite %.17g, NEURON %.17g", fn[f], vm,
                       celsius[c], ours, ref);
          }
      }
  /* the exported functions: the same operations, so the same bits */
  for (gsize c = 0; c < G_N_ELEMENTS (celsius); c++)
    for (gsize f = 0; f < G_N_ELEMENTS (fn); f++)
      {
        g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (xml[f], NULL);
        double params[3] = { 1, -0.014, 0.0166 };
        for (int i = 0; i <= 300; i++)
          {
            double vm = i * 0.5 - 100;
            double r = nrt_lems_rate_eval_conc (t, params, vm / 1000, celsius[c], cai);
            double ours, ref = g_array_index (theirs, double, n++);
            switch (nrt_lems_rate_type_get_kind (t))
              {
              case NRT_LEMS_RATE: ours = r / 1000; break;
              case NRT_LEMS_TIME: ours = r * 1000; break;
              default: ours = r; break;
              }
            if (!same_double (ours, ref))
              g_error ("exported %s at %g mV, %g °C: Neurite %.17g, NEURON %.17g", fn[f], vm,
                       celsius[c], ours, ref);
          }
      }
  g_test_message ("%u values; hand-written NMODL: max relative difference %.3g; exported: "
                  "identical", n, worst);
}

static void
test_lems_errors (void)
{
  static const struct {
    const char *xml;
    int         code;
    const char *message;
  } cases[] = {
    { "<ComponentType name=\"a\" extends=\"baseHHRate\"><Dynamics/></ComponentType>",
      NRT_LEMS_ERROR_UNSUPPORTED,
      "line 1: ComponentType 'a' extends 'baseHHRate': only baseVoltageDepRate, "
      "baseVoltageDepTime, baseVoltageDepVariable and their baseVoltageConcDep… forms are "
      "evaluated" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<StateVariable name=\"s\" dimension=\"none\"/>\n</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_UNSUPPORTED,
      "line 3: <StateVariable> in the Dynamics of 'a': a custom rate type must be a function "
      "of v (only DerivedVariable and ConditionalDerivedVariable)" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<DerivedVariable name=\"r\" dimension=\"per_time\" value=\"v\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 3: 'r' is declared per_time (T^-1) but \"v\" is voltage (M L^2 T^-3 I^-1)" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n"
      "<Constant name=\"T\" dimension=\"time\" value=\"1 ms\"/>\n<Dynamics>\n"
      "<DerivedVariable name=\"r\" dimension=\"per_time\" value=\"exp(v) / T\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 4: value \"exp(v) / T\" of 'r': exp needs a dimensionless argument, but 'v' is "
      "voltage (M L^2 T^-3 I^-1)" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<DerivedVariable name=\"r\" dimension=\"per_time\" value=\"q\"/>\n"
      "<DerivedVariable name=\"q\" dimension=\"per_time\" value=\"r\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID, "line 3: 'r' depends on itself" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n"
      "<Requirement name=\"caConc\" dimension=\"concentration\"/>\n<Dynamics/></ComponentType>",
      NRT_LEMS_ERROR_UNSUPPORTED,
      "line 2: requirement 'caConc' is not available to baseVoltageDepRate (only v, "
      "temperature)" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepTime\">\n"
      "<Constant name=\"T\" dimension=\"time\" value=\"1 ms\"/>\n<Dynamics>\n"
      "<DerivedVariable name=\"t\" dimension=\"per_time\" value=\"1 / T\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 4: 't' of baseVoltageDepTime must be time, not per_time (T^-1)" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n"
      "<Constant name=\"T\" dimension=\"time\" value=\"1 mV\"/>\n<Dynamics/></ComponentType>",
      NRT_LEMS_ERROR_INVALID, "line 2: Constant 'T': '1 mV' is voltage, not time" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n"
      "<Constant name=\"T\" dimension=\"time\" value=\"1 fortnight\"/>\n<Dynamics/>"
      "</ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 2: Constant 'T': unknown unit 'fortnight' in '1 fortnight'" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<DerivedVariable name=\"r\" dimension=\"per_time\" value=\"temperature\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 3: value \"temperature\" of 'r': unknown symbol 'temperature' at column 1" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<DerivedVariable name=\"s\" dimension=\"per_time\" value=\"0\"/>\n"
      "</Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID,
      "line 1: ComponentType 'a' (baseVoltageDepRate) defines no DerivedVariable 'r'" },
    { "<ComponentType name=\"a\" extends=\"baseVoltageDepRate\">\n<Dynamics>\n"
      "<ConditionalDerivedVariable name=\"r\" dimension=\"per_time\">\n"
      "<Case condition=\"v + 1\" value=\"0\"/>\n"
      "</ConditionalDerivedVariable></Dynamics></ComponentType>",
      NRT_LEMS_ERROR_INVALID, "line 4: condition \"v + 1\" of 'r' is not a comparison" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (cases[i].xml,
                                                                          &error);
      g_assert_null (t);
      g_assert_nonnull (error);
      if (!g_error_matches (error, NRT_LEMS_ERROR, cases[i].code)
          || strcmp (error->message, cases[i].message) != 0)
        g_error ("case %zu: got \"%s\" (code %d), expected \"%s\"", i, error->message,
                 error->code, cases[i].message);
    }
}

static void
test_lems_quantity (void)
{
  static const struct {
    const char *text, *dim;
    double      si;
  } ok[] = {
    { "1 ms", "time", 0.001 }, { "-40mV", "voltage", -0.04 }, { "0.07 ms", "time", 7e-5 },
    { "6.3 degC", "temperature", 6.3 + 273.15 }, { "2.5e-3 s", "time", 0.0025 },
    { "0.5", "none", 0.5 }, { "1 mM", "concentration", 1 }, { "3 per_ms", "per_time", 3000 },
    { " 12 S_per_m2 ", "conductanceDensity", 12 }, { "1 mS_per_cm2", "conductanceDensity", 10 },
  };
  static const char *bad[][2] = {
    { "ms", "time" }, { "1", "time" }, { "1 mV", "time" }, { "1..2 ms", "time" },
    { "1 ms", "nonsense" }, { "1e999 s", "time" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      double si;
      g_autoptr (GError) error = NULL;
      g_assert_true (nrt_lems_parse_quantity (ok[i].text, ok[i].dim, &si, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (si, ==, ok[i].si);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double si;
      g_autoptr (GError) error = NULL;
      g_assert_false (nrt_lems_parse_quantity (bad[i][0], bad[i][1], &si, &error));
      g_assert_nonnull (error);
    }
}

/* ---- benchmark ---- */

static double __attribute__ ((noinline))
c_rate (const double *p)
{
  /* HHExpLinearRate-style custom rate in SI: v, rate, midpoint, scale */
  double x = (p[0] - p[2]) / p[3];
  return p[1] * x / (1 - exp (-x));
}

static double __attribute__ ((noinline))
c_rate2 (const double *p)
{
  return (0.07 * exp (-(p[0] / 0.001 + 58) / 20)) / 0.001;
}

static int
bench (void)
{
  g_autoptr (NrtExprSymbols) s = nrt_expr_symbols_new ();
  const int n = 300000;
  double p[4] = { -0.065, 1000, -0.040, 0.010 };
  volatile double sink = 0;
  const char *texts[] = { "rate * ((v - midpoint) / scale) / (1 - exp(-((v - midpoint) / scale)))",
                          "(0.07 * exp(-(v / VOLT_SCALE + 58) / 20)) / TIME_SCALE" };
  double (*cf[]) (const double *) = { c_rate, c_rate2 };

  nrt_expr_symbols_add (s, "v", NRT_EXPR_DIM_NONE, 1);
  nrt_expr_symbols_add (s, "rate", NRT_EXPR_DIM_NONE, 1);
  nrt_expr_symbols_add (s, "midpoint", NRT_EXPR_DIM_NONE, 1);
  nrt_expr_symbols_add (s, "scale", NRT_EXPR_DIM_NONE, 1);
  /* constants of the second form, folded at parse time once bound as numbers */
  for (gsize k = 0; k < G_N_ELEMENTS (texts); k++)
    {
      g_autofree char *text = g_strdup (texts[k]);
      g_autoptr (NrtExpr) e = NULL;
      gint64 t0, t1, t2;

      if (k == 1)
        {
          g_free (text);
          text = g_strdup ("(0.07 * exp(-(v / 0.001 + 58) / 20)) / 0.001");
        }
      e = nrt_expr_parse (text, s, NULL);
      g_assert_nonnull (e);
      /* best of 9 runs of each: the machine is shared, the minimum is the cost */
      double best_e = G_MAXDOUBLE, best_c = G_MAXDOUBLE;
      for (int rep = 0; rep < 9; rep++)
        {
          t0 = g_get_monotonic_time ();
          for (int i = 0; i < n; i++)
            {
              p[0] = -0.08 + 1e-9 * (i & 1023);
              sink += nrt_expr_eval (e, p);
            }
          t1 = g_get_monotonic_time ();
          for (int i = 0; i < n; i++)
            {
              p[0] = -0.08 + 1e-9 * (i & 1023);
              sink += cf[k] (p);
            }
          t2 = g_get_monotonic_time ();
          best_e = MIN (best_e, (t1 - t0) * 1e3 / n);
          best_c = MIN (best_c, (t2 - t1) * 1e3 / n);
        }
      g_print ("%-72s  nrt_expr %6.1f ns/eval   C %6.1f ns/eval   ratio %.2f\n", text,
               best_e, best_c, best_e / best_c);
      /* and the same value */
      p[0] = -0.0713;
      g_print ("  value %.17g vs C %.17g\n", nrt_expr_eval (e, p), cf[k] (p));
    }
  /* a whole custom rate type: V = v / VOLT_SCALE, then r */
  {
    g_autoptr (NrtLemsRateType) t = nrt_lems_rate_type_new_from_string (nav_alpha_h, NULL);
    double best_t = G_MAXDOUBLE, best_c = G_MAXDOUBLE;
    g_assert_nonnull (t);
    for (int rep = 0; rep < 9; rep++)
      {
        gint64 t0 = g_get_monotonic_time (), t1, t2;
        for (int i = 0; i < n; i++)
          sink += nrt_lems_rate_eval (t, NULL, -0.08 + 1e-9 * (i & 1023), 6.3);
        t1 = g_get_monotonic_time ();
        for (int i = 0; i < n; i++)
          {
            p[0] = -0.08 + 1e-9 * (i & 1023);
            sink += c_rate2 (p);
          }
        t2 = g_get_monotonic_time ();
        best_t = MIN (best_t, (t1 - t0) * 1e3 / n);
        best_c = MIN (best_c, (t2 - t1) * 1e3 / n);
      }
    g_print ("%-72s  nrt_lems %6.1f ns/eval   C %6.1f ns/eval   ratio %.2f\n",
             "ComponentType Nav_alpha_h (DerivedVariables V, r)", best_t, best_c,
             best_t / best_c);
  }
  (void) sink;
  return 0;
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--bench") == 0)
      return bench ();
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/expr/precedence", test_precedence);
  g_test_add_func ("/expr/functions", test_functions);
  g_test_add_func ("/expr/conditions", test_conditions);
  g_test_add_func ("/expr/errors", test_errors);
  g_test_add_func ("/expr/round-trip/corpus", test_round_trip_corpus);
  g_test_add_func ("/expr/round-trip/files", test_round_trip_files);
  g_test_add_func ("/expr/dimensions", test_dimensions);
  g_test_add_func ("/expr/scale", test_scale);
  g_test_add_func ("/expr/deep", test_deep);
  g_test_add_func ("/expr/inline", test_inline);
  g_test_add_func ("/expr/fuzz", test_fuzz);
  g_test_add_func ("/expr/nmodl/text", test_nmodl_text);
  g_test_add_func ("/expr/nmodl/neuron", test_nmodl_neuron);
  g_test_add_func ("/expr/lems/types", test_lems_types);
  g_test_add_func ("/expr/lems/errors", test_lems_errors);
  g_test_add_func ("/expr/lems/library", test_lems_library);
  g_test_add_func ("/expr/lems/neuron", test_lems_neuron);
  g_test_add_func ("/expr/lems/quantity", test_lems_quantity);
  return g_test_run ();
}
