/* nrt-swc.c: SWC import with NEURON 8.2.2's Import3d rules (see nrt-swc.h for the rules).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three stages: parse the lines into samples; split the samples into sections exactly as
 * Import3d_SWC_read does (its branch weights, its soma policies, its wire connections) and
 * drop the sections Import3d_GUI's chk_valid() drops; then build the model in NEURON's
 * creation order.  Everything runs without the model until the last stage, so a bad file
 * never yields a half-built model.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nrt-swc.h"
#include "nrt-neuroml.h"

/* One SWC sample as parsed (µm); d is the diameter, 2 × radius, as Import3d stores it. */
typedef struct {
  gint64 id;
  int    type;
  double x, y, z, d;
  gint64 pid;
  guint  line;
} Sample;

/* One Import3d_Section. */
typedef struct {
  int      first;      /* index of its first own sample */
  int      n_own;      /* own samples */
  int      n_import;   /* points Import3d keeps for it: n_own + 1 (the parent copy) for a
                        * child; n_own for the root, 1 for a NeuroMorpho three-point soma */
  int      type;
  int      parent;     /* index into the section list, -1 for the root */
  double   parent_x;
  gboolean wire;       /* Import3d's first = 1: the parent copy is not a 3-D point */
  double   d0;         /* diameter of the parent copy */
  gboolean removed;
  gboolean connected_early;  /* added to the model with its parent already there */
  int      nameindex;
  char    *name;
} ISec;

/* Progress reporting from whatever thread runs the read. */
typedef struct {
  NrtSwcProgressFunc func;
  gpointer           data;
  double             last;
} Progress;

static void
progress_report (Progress *p, double fraction)
{
  if (p == NULL || p->func == NULL)
    return;
  /* About a hundred calls per file: every whole percent, and the end. */
  if (fraction < 1.0 && fraction < p->last + 0.01)
    return;
  p->last = fraction;
  p->func (fraction, p->data);
}

G_GNUC_PRINTF (4, 5) static void
set_error (GError **error, NrtIoError code, const char *where, const char *fmt, ...);

static void
set_error (GError **error, NrtIoError code, const char *where, const char *fmt, ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, fmt);
  msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, NRT_IO_ERROR, code, "%s: %s", where, msg);
}

#define AT(line) g_strdup_printf ("%s:%u", filename, (guint) (line))

static const char *const field_names[7] = { "id", "type", "x", "y", "z", "radius", "parent" };

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses one number field [p, end); NEURON reads them with sscanf("%f"). */
static gboolean
parse_field (const char *p, const char *end, int field, const char *filename, guint line,
             double *out, GError **error)
{
  g_autofree char *tok = g_strndup (p, end - p);
  char *stop = NULL;
  double v;

  errno = 0;
  v = g_ascii_strtod (tok, &stop);
  if (stop == tok || *stop != '\0')
    {
      g_autofree char *at = AT (line);
      g_autofree char *shown = g_utf8_make_valid (tok, MIN (strlen (tok), 40));
      set_error (error, NRT_IO_ERROR_PARSE, at, "field %d (%s) “%s” is not a number", field + 1,
                 field_names[field], shown);
      return FALSE;
    }
  if (!isfinite (v))
    {
      g_autofree char *at = AT (line);
      set_error (error, NRT_IO_ERROR_PARSE, at, "field %d (%s) “%s” is not a finite number",
                 field + 1, field_names[field], tok);
      return FALSE;
    }
  /* id, type and parent are integers. */
  if ((field == 0 || field == 1 || field == 6) && (v != floor (v) || fabs (v) > 9.0e15))
    {
      g_autofree char *at = AT (line);
      set_error (error, NRT_IO_ERROR_PARSE, at, "field %d (%s) “%s” is not an integer",
                 field + 1, field_names[field], tok);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* Stage 1: the samples, in file order, and the comment lines (without their '#'). */
static gboolean
parse_samples (const char *text, gsize length, const char *filename, GArray *samples,
               GString *header, Progress *progress, GCancellable *cancellable, GError **error)
{
  const char *p = text, *end = text + length;
  guint line = 0;

  /* A UTF-8 byte-order mark, as some Windows editors write. */
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *next = eol ? eol + 1 : end;
      const char *q = p;
      double v[7];
      int nf = 0;

      if (eol == NULL)
        eol = end;
      line++;
      if ((line & 1023) == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          progress_report (progress, 0.6 * (double) (p - text) / (double) length);
        }
      while (q < eol && is_space (*q))
        q++;
      if (q == eol)
        {
          p = next;
          continue;
        }
      if (*q == '#')
        {
          const char *c = q + 1;
          const char *ce = eol;
          if (c < ce && *c == ' ')
            c++;
          while (ce > c && is_space (ce[-1]))
            ce--;
          g_string_append_len (header, c, ce - c);
          g_string_append_c (header, '\n');
          p = next;
          continue;
        }
      if (memchr (q, '\0', eol - q) != NULL)
        {
          g_autofree char *at = AT (line);
          set_error (error, NRT_IO_ERROR_PARSE, at, "a NUL byte: this is not a text file");
          return FALSE;
        }
      /* Seven numbers; like NEURON's sscanf, anything after them is ignored. */
      while (nf < 7 && q < eol)
        {
          const char *t = q;
          while (q < eol && !is_space (*q))
            q++;
          if (!parse_field (t, q, nf, filename, line, &v[nf], error))
            return FALSE;
          nf++;
          while (q < eol && is_space (*q))
            q++;
        }
      if (nf < 7)
        {
          g_autofree char *at = AT (line);
          set_error (error, NRT_IO_ERROR_PARSE, at,
                     "%d number%s where SWC needs 7 (id type x y z radius parent)", nf,
                     nf == 1 ? "" : "s");
          return FALSE;
        }
      if (v[0] < 0)
        {
          g_autofree char *at = AT (line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "id %.0f is negative", v[0]);
          return FALSE;
        }
      if (v[1] < G_MININT || v[1] > G_MAXINT)
        {
          g_autofree char *at = AT (line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "type %.0f is out of range", v[1]);
          return FALSE;
        }
      if (!(v[5] > 0))
        {
          g_autofree char *at = AT (line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "radius %g must be positive", v[5]);
          return FALSE;
        }
      Sample s = { (gint64) v[0], (int) v[1], v[2], v[3], v[4], 2.0 * v[5],
                   v[6] < 0 ? -1 : (gint64) v[6], line };
      g_array_append_val (samples, s);
      p = next;
    }
  return TRUE;
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  const Sample *sa = a, *sb = b;
  return sa->id < sb->id ? -1 : sa->id > sb->id;
}

/* Stage 1b: sort by id, check the tree, fill par[] with parent indices (-1 for the root). */
static gboolean
check_tree (GArray *samples, const char *filename, guint last_line, int **par_out,
            GError **error)
{
  guint n = samples->len;
  Sample *s;
  g_autoptr (GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  int root = -1;

  if (n == 0)
    {
      g_autofree char *at = AT (MAX (last_line, 1));
      set_error (error, NRT_IO_ERROR_INVALID, at, "no samples: this is not an SWC morphology");
      return FALSE;
    }
  /* Duplicates first, in file order, so the message names the later line. */
  s = (Sample *) samples->data;
  for (guint i = 0; i < n; i++)
    {
      gpointer prev = g_hash_table_lookup (index, &s[i].id);
      if (prev != NULL)
        {
          g_autofree char *at = AT (s[i].line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "duplicate id %" G_GINT64_FORMAT
                     " (first at line %u)", s[i].id, s[GPOINTER_TO_UINT (prev) - 1].line);
          return FALSE;
        }
      g_hash_table_insert (index, &s[i].id, GUINT_TO_POINTER (i + 1));
    }
  /* Missing parents and roots. */
  for (guint i = 0; i < n; i++)
    {
      if (s[i].pid < 0)
        {
          if (root >= 0)
            {
              g_autofree char *at = AT (s[i].line);
              set_error (error, NRT_IO_ERROR_INVALID, at,
                         "a second root (sample %" G_GINT64_FORMAT " has no parent; the first "
                         "root is at line %u): a file must hold one connected tree",
                         s[i].id, s[root].line);
              return FALSE;
            }
          root = i;
        }
      else if (!g_hash_table_contains (index, &s[i].pid))
        {
          g_autofree char *at = AT (s[i].line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "parent %" G_GINT64_FORMAT " of sample %"
                     G_GINT64_FORMAT " does not exist", s[i].pid, s[i].id);
          return FALSE;
        }
    }
  /* Cycles: follow parents from every sample, marking the walk; a walk that meets itself is a
   * cycle (state 1 = on the current walk, 2 = known to reach the root). */
  {
    g_autofree guint8 *state = g_new0 (guint8, n);
    g_autoptr (GArray) walk = g_array_new (FALSE, FALSE, sizeof (guint));
    for (guint i = 0; i < n; i++)
      {
        guint j = i;
        g_array_set_size (walk, 0);
        while (state[j] == 0)
          {
            state[j] = 1;
            g_array_append_val (walk, j);
            if (s[j].pid < 0)
              break;
            j = GPOINTER_TO_UINT (g_hash_table_lookup (index, &s[j].pid)) - 1;
          }
        if (state[j] == 1 && s[j].pid >= 0)
          {
            /* j is on this walk: the cycle runs from j back to j. */
            GString *ids = g_string_new (NULL);
            guint k = j, first_line = s[j].line;
            do
              {
                g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len ? " → " : "",
                                        s[k].id);
                first_line = MIN (first_line, s[k].line);
                k = GPOINTER_TO_UINT (g_hash_table_lookup (index, &s[k].pid)) - 1;
              }
            while (k != j && ids->len < 200);
            g_string_append_printf (ids, " → %" G_GINT64_FORMAT, s[j].id);
            g_autofree char *at = AT (first_line);
            set_error (error, NRT_IO_ERROR_INVALID, at, "samples form a cycle: %s", ids->str);
            g_string_free (ids, TRUE);
            return FALSE;
          }
        for (guint k = 0; k < walk->len; k++)
          state[g_array_index (walk, guint, k)] = 2;
      }
  }
  if (root < 0)
    {
      /* Unreachable (a finite forest without a root has a cycle), kept for safety. */
      g_autofree char *at = AT (s[0].line);
      set_error (error, NRT_IO_ERROR_INVALID, at, "no root sample (parent -1)");
      return FALSE;
    }
  /* Import3d's own rule: every parent id is smaller than its child's. */
  for (guint i = 0; i < n; i++)
    if (s[i].pid >= s[i].id)
      {
        g_autofree char *at = AT (s[i].line);
        set_error (error, NRT_IO_ERROR_INVALID, at, "parent %" G_GINT64_FORMAT " of sample %"
                   G_GINT64_FORMAT " is not listed before it: parent ids must be smaller than "
                   "their children's, as NEURON's Import3d requires", s[i].pid, s[i].id);
        return FALSE;
      }
  if (n < 2)
    {
      g_autofree char *at = AT (s[0].line);
      set_error (error, NRT_IO_ERROR_INVALID, at,
                 "a single sample: NEURON's Import3d makes no section from it");
      return FALSE;
    }

  /* Import3d sorts the samples by id when they are not in order. */
  g_array_sort (samples, compare_ids);
  s = (Sample *) samples->data;
  g_hash_table_remove_all (index);
  for (guint i = 0; i < n; i++)
    g_hash_table_insert (index, &s[i].id, GUINT_TO_POINTER (i + 1));
  int *par = g_new (int, n);
  for (guint i = 0; i < n; i++)
    par[i] = s[i].pid < 0 ? -1
             : (int) GPOINTER_TO_UINT (g_hash_table_lookup (index, &s[i].pid)) - 1;
  *par_out = par;
  return TRUE;
}

/* hoc compares numbers with a tolerance, float_epsilon (1e-11): a == b when |a - b| ≤ 1e-11,
 * a < b when a < b - 1e-11; Vector.eq() takes |a - b| < 1e-11.  Import3d's tests inherit it. */
#define HOC_EPSILON 1e-11

static gboolean
hoc_eq (double a, double b)
{
  return fabs (a - b) <= HOC_EPSILON;
}

/* Stage 2: Import3d_SWC_read's sectionify() and mksections(), then chk_valid(). */
static GArray *
make_sections (const Sample *s, int *par, int n)
{
  g_autofree double *nchild = g_new0 (double, n);
  g_autofree int *nchild_soma = g_new0 (int, n);
  g_autofree gboolean *to_prox = g_new0 (gboolean, n);
  g_autofree int *p2s = g_new0 (int, n);
  int n_soma = 0;
  gboolean soma3geom = FALSE;

  /* Branch weights: each child adds 1, a child that is not the next sample 0.01 more, a child
   * of another type 0.01 more; a weight of exactly 1 continues the section.  The exact
   * floating-point sums matter, so they are made in Import3d's order.  A child that is not
   * the next sample of a dendrite's first sample (the dendrite hanging from the soma), or of a
   * non-soma root, joins the 0 end of its parent section and does not end it. */
  for (int i = 0; i < n; i++)
    {
      int p = par[i];
      if (p < 0)
        continue;
      nchild[p] += 1.0;
      if (p != i - 1)
        {
          nchild[p] += 0.01;
          if (p > 1)
            {
              if (s[p].type != 1 && par[p] >= 0 && s[par[p]].type == 1)
                {
                  to_prox[i] = TRUE;
                  nchild[p] = 1.0;
                }
            }
          else if (p == 0 && s[0].type != 1)
            {
              to_prox[i] = TRUE;
              nchild[p] = 1.0;
            }
        }
      if (s[p].type != s[i].type)
        nchild[p] += 0.01;
    }

  /* Soma children of soma samples. */
  if (s[0].type == 1)
    n_soma++;
  for (int i = 1; i < n; i++)
    if (s[i].type == 1)
      {
        n_soma++;
        if (par[i] >= 0 && s[par[i]].type == 1)
          nchild_soma[par[i]]++;
      }

  /* NeuroMorpho's three-point soma: samples 1 and 2 both children of 0, leaves, with 0's
   * diameter, and together as long as that diameter (1 %): a sphere. */
  if (n_soma == 3 && n >= 3 && par[1] == 0 && par[2] == 0 && nchild[1] == 0 && nchild[2] == 0
      && hoc_eq (s[1].d, s[0].d) && hoc_eq (s[2].d, s[0].d))
    {
      double len = 0;
      for (int i = 1; i <= 2; i++)
        len += sqrt ((s[i].x - s[0].x) * (s[i].x - s[0].x) + (s[i].y - s[0].y) * (s[i].y - s[0].y)
                     + (s[i].z - s[0].z) * (s[i].z - s[0].z));
      if (fabs (len / s[0].d - 1) < 0.01 - HOC_EPSILON)
        {
          soma3geom = TRUE;
          par[2] = 1;  /* one section of three samples, of which only the first is kept */
        }
    }

  /* Consecutive soma samples continue a section, unless an interior soma sample has several
   * soma children (a branched soma). */
  for (int i = 0; i < n - 1; i++)
    if (s[i].type == 1 && s[i + 1].type == 1 && par[i + 1] == i
        && !(i != 0 && nchild_soma[i] > 1))
      nchild[i] = 1.0;

  /* Sections end where the weight is not 1. */
  g_autoptr (GArray) ends = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < n; i++)
    if (nchild[i] != 1.0)
      g_array_append_val (ends, i);
  {
    guint si = 0;
    p2s[0] = 0;
    for (int i = 1; i < n; i++)
      {
        if (i > g_array_index (ends, int, si))
          si++;
        p2s[i] = si;
      }
  }

  GArray *secs = g_array_new (FALSE, TRUE, sizeof (ISec));
  int first = 0;
  for (int i = 0; i <= n; i++)
    {
      if (i < n && p2s[i] == (int) secs->len)
        continue;
      /* samples first .. i-1 form section secs->len */
      ISec sec = { 0 };
      sec.first = first;
      sec.n_own = i - first;
      sec.type = s[first].type;
      sec.parent = -1;
      sec.parent_x = 1.0;
      if (secs->len == 0)
        sec.n_import = soma3geom ? 1 : sec.n_own;
      else
        {
          int pp = par[first];
          ISec *psec = &g_array_index (secs, ISec, p2s[pp]);
          gboolean den_con_soma = psec->type == 1 && s[first].type != 1;
          gboolean con_soma = psec->type == 1;
          gboolean handled = FALSE;

          sec.n_import = sec.n_own + 1;
          sec.parent = p2s[pp];
          if (sec.parent == 0)
            {
              handled = TRUE;
              if (den_con_soma && psec->n_import == 1)
                {
                  sec.parent_x = 0.5;
                  if (sec.n_own > 1)
                    sec.wire = TRUE;
                }
              else if (pp == psec->first)
                {
                  sec.parent_x = 0.0;
                  if (s[first].type != 1 && nchild_soma[pp] > 1)
                    sec.wire = TRUE;
                }
              else
                handled = FALSE;
            }
          if (!handled && con_soma)
            {
              int offset = psec->first == 0 ? -1 : -2;
              if (pp < psec->first + psec->n_import + offset)
                {
                  /* an interior soma sample: Import3d says the middle */
                  sec.parent_x = 0.5;
                  if (den_con_soma && sec.n_own > 1)
                    sec.wire = TRUE;
                }
              else if (sec.n_own > 1 && nchild_soma[pp] > 1 && s[first].type != 1)
                sec.wire = TRUE;
            }
          sec.d0 = s[pp].d;
          if (psec->type == 1 && sec.type != 1)
            sec.d0 = s[first].d;
          if (to_prox[first])
            sec.parent_x = 0.0;
        }
      g_array_append_val (secs, sec);
      first = i;
      if (i == n)
        break;
    }

  /* chk_valid(): a child section left with one point, or two at the same place, goes; its
   * children hang where it hung. */
  for (int k = (int) secs->len - 1; k > 0; k--)
    {
      ISec *sec = &g_array_index (secs, ISec, k);
      int kept = sec->n_import - (sec->wire ? 1 : 0);
      gboolean drop = kept <= 1;
      if (!drop && kept == 2)
        {
          /* the first two kept points: the parent copy (unless a wire) and the samples */
          const Sample *a = sec->wire ? &s[sec->first] : &s[par[sec->first]];
          const Sample *b = sec->wire ? &s[sec->first + 1] : &s[sec->first];
          drop = fabs (a->x - b->x) < HOC_EPSILON && fabs (a->y - b->y) < HOC_EPSILON
                 && fabs (a->z - b->z) < HOC_EPSILON;
        }
      if (!drop)
        continue;
      sec->removed = TRUE;
      for (guint j = k + 1; j < secs->len; j++)
        {
          ISec *c = &g_array_index (secs, ISec, j);
          if (c->parent == k)
            {
              c->parent = sec->parent;
              c->parent_x = sec->parent_x;
            }
        }
    }
  return secs;
}

/* The value pt3dadd() receives: instantiate() prints it with %.8g. */
static double
as_printed (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, "%.8g", v), NULL);
}

static void
type_name (int type, GString *out)
{
  switch (type)
    {
    case 1: g_string_append (out, "soma"); break;
    case 2: g_string_append (out, "axon"); break;
    case 3: g_string_append (out, "dend"); break;
    case 4: g_string_append (out, "apic"); break;
    default:
      if (type < 0)
        g_string_append_printf (out, "minus_%d", -type);
      else
        g_string_append_printf (out, "dend_%d", type);
    }
}

/* The CellBuilder import's subset for a type. */
static char *
subset_name (int type)
{
  switch (type)
    {
    case 1: return g_strdup ("somatic");
    case 2: return g_strdup ("axonal");
    case 3: return g_strdup ("basal");
    case 4: return g_strdup ("apical");
    default:
      return type < 0 ? g_strdup_printf ("minus_%dset", -type)
                      : g_strdup_printf ("dendritic_%d", type);
    }
}

/* A point before it is printed and stored: x, y, z, d (µm). */
typedef struct {
  double v[4];
} RawPt;

/* The section's 3-D points as NEURON stores them. */
static GArray *
section_points (const Sample *s, const int *par, const ISec *sec)
{
  g_autoptr (GArray) raw = g_array_new (FALSE, FALSE, sizeof (RawPt));
  GArray *pts = g_array_new (FALSE, FALSE, sizeof (NrtPt3d));
  int n_own = sec->n_import - (sec->parent >= 0 ? 1 : 0);

  if (sec->parent >= 0 && !sec->wire)
    {
      const Sample *p = &s[par[sec->first]];
      RawPt c = { { p->x, p->y, p->z, sec->d0 } };
      g_array_append_val (raw, c);
    }
  for (int i = 0; i < n_own; i++)
    {
      const Sample *q = &s[sec->first + i];
      RawPt c = { { q->x, q->y, q->z, q->d } };
      g_array_append_val (raw, c);
    }
  if (raw->len == 1)
    {
      /* sphere_rep(): a cylinder along x through the centre, L = diam */
      RawPt c = g_array_index (raw, RawPt, 0);
      RawPt a = c, b = c;
      a.v[0] -= c.v[3] / 2;
      b.v[0] += c.v[3] / 2;
      g_array_set_size (raw, 0);
      g_array_append_val (raw, a);
      g_array_append_val (raw, c);
      g_array_append_val (raw, b);
    }
  for (guint i = 0; i < raw->len; i++)
    {
      const double *c = g_array_index (raw, RawPt, i).v;
      NrtPt3d pt = { (float) as_printed (c[0]), (float) as_printed (c[1]),
                     (float) as_printed (c[2]), (float) as_printed (c[3]) };
      g_array_append_val (pts, pt);
    }
  return pts;
}

static int
compare_model_order (gconstpointer a, gconstpointer b)
{
  const ISec *sa = *(ISec *const *) a, *sb = *(ISec *const *) b;
  if (sa->type != sb->type)
    return sa->type < sb->type ? -1 : 1;
  return sa->nameindex - sb->nameindex;
}

/* A valid model name from the file's base name: "c91662.swc" → "c91662". */
static char *
model_name (const char *filename)
{
  g_autofree char *base = g_path_get_basename (filename ? filename : "cell");
  char *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  GString *out = g_string_new (NULL);
  for (const char *p = base; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) ? *p : '_');
  if (out->len == 0 || !(g_ascii_isalpha (out->str[0]) || out->str[0] == '_'))
    g_string_prepend (out, "cell_");
  if (out->len > 200)
    g_string_truncate (out, 200);
  return g_string_free (out, FALSE);
}

#define MODEL_OK(call) G_STMT_START {                                                       \
    GError *e_ = NULL;                                                                       \
    if (!(call))                                                                             \
      {                                                                                      \
        g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID, "%s:%u: %s", filename,        \
                     (guint) err_line, e_ ? e_->message : "cannot build the model");         \
        g_clear_error (&e_);                                                                 \
        goto fail;                                                                           \
      }                                                                                      \
  } G_STMT_END

/* Stage 3: a new model, or (into != NULL) new sections of into as one undo step.  Returns a
 * new reference. */
static NrtModel *
build_model (NrtModel *into, const Sample *s, const int *par, GArray *secs,
             const char *filename, const char *header, Progress *progress,
             GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GPtrArray) points = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr (GHashTable) counts = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree gboolean *added = g_new0 (gboolean, secs->len);
  NrtModel *model = NULL;
  guint err_line = 1;
  gboolean mutated = FALSE;

  /* Names, numbered per type in Import3d's section order. */
  for (guint k = 0; k < secs->len; k++)
    {
      ISec *sec = &g_array_index (secs, ISec, k);
      if (sec->removed)
        continue;
      int count = GPOINTER_TO_INT (g_hash_table_lookup (counts, GINT_TO_POINTER (sec->type)));
      sec->nameindex = count;
      g_hash_table_insert (counts, GINT_TO_POINTER (sec->type), GINT_TO_POINTER (count + 1));
      GString *name = g_string_new (NULL);
      type_name (sec->type, name);
      g_string_append_printf (name, "[%d]", count);
      sec->name = g_string_free (name, FALSE);
      g_ptr_array_add (order, sec);
    }
  /* NEURON creates the arrays type by type: that is the order of its section list. */
  g_ptr_array_sort (order, compare_model_order);

  /* The points, and the one check the model would otherwise make without a line number. */
  for (guint k = 0; k < order->len; k++)
    {
      const ISec *sec = order->pdata[k];
      GArray *pts = section_points (s, par, sec);
      double L = 0;
      guint last_line = s[sec->first + sec->n_own - 1].line;
      for (guint i = 0; i < pts->len; i++)
        {
          const NrtPt3d *q = &g_array_index (pts, NrtPt3d, i);
          if (!isfinite (q->x) || !isfinite (q->y) || !isfinite (q->z) || !isfinite (q->d)
              || !(q->d > 0))
            {
              g_autofree char *at = AT (last_line);
              set_error (error, NRT_IO_ERROR_INVALID, at, "section %s has a 3-D point that "
                         "single precision cannot hold (%g, %g, %g; diameter %g)", sec->name,
                         q->x, q->y, q->z, q->d);
              g_array_unref (pts);
              return NULL;
            }
          if (i > 0)
            L += nrt_pt3d_segment_length (&g_array_index (pts, NrtPt3d, i - 1), q);
        }
      if (!(L > 0))
        {
          g_autofree char *at = AT (last_line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "section %s (samples of lines %u–%u) has "
                     "zero length", sec->name, s[sec->first].line, last_line);
          g_array_unref (pts);
          return NULL;
        }
      g_ptr_array_add (points, pts);
    }
  /* Into a model: every name must be new, or nothing is added. */
  for (guint k = 0; into != NULL && k < order->len; k++)
    {
      const ISec *sec = order->pdata[k];
      if (nrt_model_find_section (into, sec->name) >= 0)
        {
          g_autofree char *at = AT (s[sec->first].line);
          set_error (error, NRT_IO_ERROR_INVALID, at, "the model already has a section %s",
                     sec->name);
          return NULL;
        }
    }
  progress_report (progress, 0.7);

  model = into ? g_object_ref (into) : nrt_model_new ();
  nrt_model_begin_group (model, "Import SWC");
  if (into == NULL)
    {
      g_autofree char *name = model_name (filename);
      g_autofree char *base = g_path_get_basename (filename);
      g_autofree char *notes = g_strdup_printf ("Imported from %s (SWC) with NEURON Import3d's "
                                                "rules.%s%s", base, *header ? "\n\n" : "", header);
      MODEL_OK (nrt_model_set_name (model, name, &e_));
      MODEL_OK (nrt_model_set_notes (model, notes, &e_));
    }
  /* A section whose parent is already in the model is added connected; the others (a parent
   * of a later type, such as an axon on a dendrite) are connected once all exist.  Each call
   * looks sections up by name, so fewer calls load big cells faster. */
  for (guint k = 0; k < order->len; k++)
    {
      ISec *sec = order->pdata[k];
      GArray *pts = points->pdata[k];
      const ISec *psec = sec->parent >= 0 ? &g_array_index (secs, ISec, sec->parent) : NULL;
      gboolean now = psec != NULL && added[sec->parent];
      err_line = s[sec->first].line;
      MODEL_OK (nrt_model_add_section (model, sec->name, now ? psec->name : NULL,
                                       now ? sec->parent_x : 0, 100,
                                       g_array_index (pts, NrtPt3d, 0).d, &e_) >= 0);
      mutated = TRUE;
      added[sec - (ISec *) secs->data] = TRUE;
      sec->connected_early = now;
      MODEL_OK (nrt_model_set_section_pt3d (model, sec->name, (const NrtPt3d *) pts->data,
                                            pts->len, &e_));
      if ((k & 63) == 63)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            goto fail;
          progress_report (progress, 0.7 + 0.15 * (k + 1) / order->len);
        }
    }
  for (guint k = 0; k < order->len; k++)
    {
      const ISec *sec = order->pdata[k];
      if (sec->parent < 0 || sec->connected_early)
        continue;
      const ISec *psec = &g_array_index (secs, ISec, sec->parent);
      err_line = s[sec->first].line;
      MODEL_OK (nrt_model_connect_section (model, sec->name, psec->name, sec->parent_x, &e_));
    }
  progress_report (progress, 0.9);
  /* The CellBuilder's subsets, one per type present, in type order. */
  err_line = 1;
  for (guint k = 0; k < order->len; k++)
    {
      const ISec *sec = order->pdata[k];
      g_autofree char *subset = subset_name (sec->type);
      if ((k == 0 || sec->type != ((const ISec *) order->pdata[k - 1])->type)
          && nrt_model_find_subset (model, subset) < 0)
        MODEL_OK (nrt_model_add_subset (model, subset, &e_));
      MODEL_OK (nrt_model_subset_add_section (model, subset, sec->name, &e_));
    }
  if (into == NULL)
    {
      g_autoptr (NrtGeometrySpec) spec = nrt_geometry_spec_new ("all");
      spec->kinds = NRT_GEO_D_LAMBDA;
      spec->d_lambda = 0.1;
      MODEL_OK (nrt_model_set_geometry_specs (model, &spec, 1, &e_));
    }
  else if (nrt_model_get_data (model)->geometry_specs->len == 0)
    {
      /* Under the CellBuilder the new sections already follow its geometry specs. */
      for (guint k = 0; k < order->len; k++)
        MODEL_OK (nrt_model_set_nseg_strategy (model, ((const ISec *) order->pdata[k])->name,
                                               NRT_NSEG_D_LAMBDA, 0.1, &e_));
    }
  nrt_model_end_group (model);
  if (into == NULL)
    {
      nrt_model_clear_history (model);
      nrt_model_mark_saved (model);
    }
  return model;

fail:
  if (model != NULL)
    {
      nrt_model_end_group (model);
      /* Everything was checked before the first change, so this is a refusal nobody expects;
       * still, leave the model as it was. */
      if (into != NULL && mutated)
        nrt_model_undo (model, NULL);
    }
  g_clear_object (&model);
  return NULL;
}

static NrtModel *
read_text (NrtModel *into, const char *text, gsize length, const char *filename,
           Progress *progress, GCancellable *cancellable, GError **error)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  g_autoptr (GString) header = g_string_new (NULL);
  g_autofree int *par = NULL;
  guint lines = 0;
  NrtModel *model;

  if (filename == NULL)
    filename = "<string>";
  if (!parse_samples (text, length, filename, samples, header, progress, cancellable, error))
    return NULL;
  for (gsize i = 0; i < length; i++)
    lines += text[i] == '\n';
  if (!check_tree (samples, filename, lines, &par, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  progress_report (progress, 0.6);

  GArray *secs = make_sections ((const Sample *) samples->data, par, samples->len);
  progress_report (progress, 0.65);
  while (header->len > 0 && header->str[header->len - 1] == '\n')
    g_string_truncate (header, header->len - 1);
  model = build_model (into, (const Sample *) samples->data, par, secs, filename, header->str,
                       progress, cancellable, error);
  for (guint k = 0; k < secs->len; k++)
    g_free (g_array_index (secs, ISec, k).name);
  g_array_unref (secs);
  if (model != NULL)
    progress_report (progress, 1.0);
  return model;
}

NrtModel *
nrt_swc_read_string (const char *text, gssize length, const char *filename, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  return read_text (NULL, text, length < 0 ? strlen (text) : (gsize) length, filename, NULL,
                    NULL, error);
}

gboolean
nrt_swc_read_into_model (NrtModel *model, const char *text, gssize length,
                         const char *filename, GError **error)
{
  g_autoptr (NrtModel) same = NULL;

  g_return_val_if_fail (NRT_IS_MODEL (model), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  same = read_text (model, text, length < 0 ? strlen (text) : (gsize) length, filename, NULL,
                    NULL, error);
  return same != NULL;
}

static NrtModel *
read_file (const char *path, Progress *progress, GCancellable *cancellable, GError **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;

  if (!g_file_get_contents (path, &text, &length, &local))
    {
      g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_NOT_FOUND, "%s:1: %s", path, local->message);
      return NULL;
    }
  return read_text (NULL, text, length, path, progress, cancellable, error);
}

NrtModel *
nrt_swc_read_file (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return read_file (path, NULL, NULL, error);
}

gboolean
nrt_swc_is_swc_path (const char *path)
{
  gsize n = path ? strlen (path) : 0;
  return n > 4 && g_ascii_strcasecmp (path + n - 4, ".swc") == 0;
}

/* ---- asynchronous read ---- */

typedef struct {
  char              *path;
  GMainContext      *context;
  NrtSwcProgressFunc func;
  gpointer           data;
} AsyncData;

typedef struct {
  NrtSwcProgressFunc func;
  gpointer           data;
  double             fraction;
} ProgressMessage;

static void
async_data_free (AsyncData *ad)
{
  g_free (ad->path);
  g_main_context_unref (ad->context);
  g_free (ad);
}

static gboolean
deliver_progress (gpointer user_data)
{
  ProgressMessage *m = user_data;
  m->func (m->fraction, m->data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: hands the fraction to the caller's context.  The messages are idle
 * sources of the task's priority attached before the task's own result, so they all run
 * before the callback. */
static void
post_progress (double fraction, gpointer user_data)
{
  AsyncData *ad = user_data;
  ProgressMessage *m = g_new (ProgressMessage, 1);
  GSource *source = g_idle_source_new ();

  m->func = ad->func;
  m->data = ad->data;
  m->fraction = fraction;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_progress, m, g_free);
  g_source_set_static_name (source, "[neurite] SWC progress");
  g_source_attach (source, ad->context);
  g_source_unref (source);
}

static void
read_thread (GTask *task, gpointer source_object, gpointer task_data,
             GCancellable *cancellable)
{
  AsyncData *ad = task_data;
  Progress progress = { post_progress, ad, -1.0 };
  GError *error = NULL;
  NrtModel *model;

  model = read_file (ad->path, ad->func ? &progress : NULL, cancellable, &error);
  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, g_object_unref);
}

void
nrt_swc_read_file_async (const char *path, GCancellable *cancellable,
                         NrtSwcProgressFunc progress, gpointer progress_data,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  AsyncData *ad;

  g_return_if_fail (path != NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nrt_swc_read_file_async);
  g_task_set_name (task, "nrt_swc_read_file_async");
  g_task_set_priority (task, G_PRIORITY_DEFAULT);
  ad = g_new0 (AsyncData, 1);
  ad->path = g_strdup (path);
  ad->context = g_main_context_ref_thread_default ();
  ad->func = progress;
  ad->data = progress_data;
  g_task_set_task_data (task, ad, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, read_thread);
}

NrtModel *
nrt_swc_read_file_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, nrt_swc_read_file_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
