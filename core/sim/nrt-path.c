/* nrt-path.c: the space-plot path between two points of a tree, as NEURON's RangeVarPlot.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reproduces NEURON 8.2.2's RangeVarPlot("v", a(x_a), b(x_b)) with rvp.origin(rvp.d2root),
 * which is how the Shape plot's Space Plot mode lays out its graph (shapeplt.cpp,
 * reference/neuron-gui.md §4.3).  Established by experiment on NEURON 8.2.2
 * (tests/reference/generate.py, case_space_paths): the ends snap to nodes, every node on the
 * path appears once, and the abscissa is the signed path distance from the path's point
 * nearest the root, shifted by that point's distance from the root.
 */
#include "nrt-sim-private.h"

/* Position index k of x on a section: 0 the 0 end, 1..nseg the segment centres (NEURON's
 * node_index: int(x·nseg)), nseg + 1 the 1 end. */
static guint
position_index (const NrtNetSection *s, double x)
{
  if (x <= 0.0)
    return 0;
  if (x >= 1.0)
    return s->nseg + 1;
  guint i = (guint) (x * (double) s->nseg);
  return MIN (i, s->nseg - 1) + 1;
}

static double
position_x (const NrtNetSection *s, guint k)
{
  if (k == 0)
    return 0.0;
  if (k > s->nseg)
    return 1.0;
  return ((double) (k - 1) + 0.5) / (double) s->nseg;
}

static int
position_node (const NrtNetSection *s, guint k)
{
  return k == 0 ? s->node0 : s->node[k - 1];
}

/* Distance (µm) from the root section's 0 end to the 0 end of section is: the parents'
 * lengths up to the node each child hangs from (NEURON's distance() measures to the node). */
static double
distance_to_start (const NrtNetwork *net, guint is)
{
  double d = 0.0;
  for (int p = net->sections[is].parent; p >= 0; p = net->sections[p].parent)
    {
      const NrtNetSection *ps = &net->sections[p];
      d += position_x (ps, position_index (ps, net->sections[is].parent_x)) * ps->L;
      is = (guint) p;
    }
  return d;
}

typedef struct {
  guint sec;
  guint k;    /* where the chain enters this section */
} ChainLink;

/* The sections from (is, k) up to the root, each with the position the chain passes. */
static GArray *
chain_to_root (const NrtNetwork *net, guint is, guint k)
{
  GArray *chain = g_array_new (FALSE, FALSE, sizeof (ChainLink));
  for (;;)
    {
      ChainLink l = { is, k };
      g_array_append_val (chain, l);
      const NrtNetSection *s = &net->sections[is];
      if (s->parent < 0)
        break;
      const NrtNetSection *ps = &net->sections[s->parent];
      k = position_index (ps, s->parent_x);
      is = (guint) s->parent;
    }
  return chain;
}

/* node_dist(): the arc distance (µm) from a section's 0 end to its node k. */
static double
node_dist (const NrtNetSection *s, guint k)
{
  return position_x (s, k) * s->L;
}

static NrtPathPoint
make_point (const NrtNetwork *net, guint is, guint k, double len, float origin)
{
  const NrtNetSection *s = &net->sections[is];
  /* SecPos.len is a float, origin_ a float, and their float sum is what the graph (and
   * to_vector) holds. */
  float flen = (float) len;
  NrtPathPoint p = {
    .node = (guint) position_node (s, k),
    .section = is,
    .x = position_x (s, k),
    .distance = (double) (float) (flen + origin),
    .interior_node = (guint) s->node[k == 0 ? 0 : MIN (k - 1, s->nseg - 1)],
    .junction = FALSE,
  };
  return p;
}

/* nrn_parent_node(): the next node towards the root.  A section's 0 end is its parent's
 * attachment node, so from there the walk continues below that node in the parent. */
static void
node_parent (const NrtNetwork *net, guint *is, guint *k)
{
  while (*k == 0 && net->sections[*is].parent >= 0)
    {
      const NrtNetSection *s = &net->sections[*is];
      *k = position_index (&net->sections[s->parent], s->parent_x);
      *is = (guint) s->parent;
    }
  if (*k > 0)
    (*k)--;
}

/* node_dist() of the attachment node in the parent, the distance NEURON adds when the walk
 * leaves a section through its 0 end. */
static double
attach_dist (const NrtNetwork *net, guint is)
{
  const NrtNetSection *s = &net->sections[is];
  const NrtNetSection *ps = &net->sections[s->parent];
  return node_dist (ps, position_index (ps, s->parent_x));
}

GArray *
nrt_network_path (const NrtNetwork *net, guint section_a, double x_a, guint section_b,
                  double x_b, double *d2root, GError **error)
{
  g_return_val_if_fail (net != NULL, NULL);

  if (section_a >= net->n_sections || section_b >= net->n_sections
      || !(x_a >= 0.0 && x_a <= 1.0) || !(x_b >= 0.0 && x_b <= 1.0))
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_LOCATION,
                   "A space-plot path needs two sections of the model and x from 0 to 1");
      return NULL;
    }

  g_autoptr (GArray) ca = chain_to_root (net, section_a,
                                         position_index (&net->sections[section_a], x_a));
  g_autoptr (GArray) cb = chain_to_root (net, section_b,
                                         position_index (&net->sections[section_b], x_b));
  /* The lowest common section: the first of a's chain that b's chain also passes. */
  guint ia = 0, ib = 0;
  gboolean found = FALSE;
  for (ia = 0; ia < ca->len && !found; ia++)
    for (ib = 0; ib < cb->len; ib++)
      if (g_array_index (ca, ChainLink, ia).sec == g_array_index (cb, ChainLink, ib).sec)
        {
          found = TRUE;
          break;
        }
  if (!found)
    {
      g_set_error (error, NRT_SIM_ERROR, NRT_SIM_ERROR_BAD_LOCATION,
                   "“%s” and “%s” are not connected", net->sections[section_a].name,
                   net->sections[section_b].name);
      return NULL;
    }
  ia--;   /* the loop's increment ran once more */

  guint S = g_array_index (ca, ChainLink, ia).sec;
  guint ka = g_array_index (ca, ChainLink, ia).k, kb = g_array_index (cb, ChainLink, ib).k;
  guint kp = MIN (ka, kb);
  const NrtNetSection *ss = &net->sections[S];
  int root_node = position_node (ss, kp);
  const NrtNetSection *sa = &net->sections[section_a], *sb = &net->sections[section_b];
  guint ka0 = g_array_index (ca, ChainLink, 0).k, kb0 = g_array_index (cb, ChainLink, 0).k;

  /* topol_distance(): a → P (d2r) and a → b (dist), then P → the root section's 0 end. */
  double d_ap = node_dist (sa, ka0), d_pb = node_dist (sb, kb0);
  for (guint c = 1; c <= ia; c++)
    {
      const ChainLink *l = &g_array_index (ca, ChainLink, c);
      d_ap += node_dist (&net->sections[l->sec], l->k);
    }
  for (guint c = 1; c <= ib; c++)
    {
      const ChainLink *l = &g_array_index (cb, ChainLink, c);
      d_pb += node_dist (&net->sections[l->sec], l->k);
    }
  d_ap -= node_dist (ss, kp);
  d_pb -= node_dist (ss, kp);
  double d2r = d_ap, dist = d_ap + d_pb;
  double d2root_ = distance_to_start (net, S) + node_dist (ss, kp);
  float origin = (float) d2root_;

  /* RangeVarPlot::set_x(), literally: from a towards P, len = d − node_dist... */
  GArray *out = g_array_new (FALSE, FALSE, sizeof (NrtPathPoint));
  guint is = section_a, k = ka0;
  double d = -d2r + node_dist (sa, k);
  while (position_node (&net->sections[is], k) != root_node)
    {
      double x = node_dist (&net->sections[is], k);
      NrtPathPoint p = make_point (net, is, k, d - x, origin);
      g_array_append_val (out, p);
      if (x == 0.)
        d += attach_dist (net, is);
      node_parent (net, &is, &k);
    }
  /* ...P, listed on the section the walk from a reached it in, at len 0... */
  {
    NrtPathPoint p = make_point (net, is, k, 0.0, origin);
    g_array_append_val (out, p);
  }
  /* ...and from b towards P, each inserted right after P: len = d + node_dist. */
  guint indx = out->len;
  is = section_b;
  k = kb0;
  d = dist - d2r - node_dist (sb, k);
  while (position_node (&net->sections[is], k) != root_node)
    {
      double x = node_dist (&net->sections[is], k);
      NrtPathPoint p = make_point (net, is, k, d + x, origin);
      g_array_insert_val (out, indx, p);
      if (x == 0.)
        d -= attach_dist (net, is);
      node_parent (net, &is, &k);
    }

  /* Section ends strictly inside the path. */
  for (guint i = 1; i + 1 < out->len; i++)
    {
      NrtPathPoint *p = &g_array_index (out, NrtPathPoint, i);
      p->junction = p->x == 0.0 || p->x == 1.0;
    }
  if (d2root)
    *d2root = d2root_;
  return out;
}
