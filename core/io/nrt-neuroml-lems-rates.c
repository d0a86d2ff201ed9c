/* nrt-neuroml-lems-rates.c: NeuroML gate rates given by custom LEMS ComponentTypes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include "nrt-neuroml-lems-rates.h"
#include "nrt-lems-types.h"

xmlNodePtr
nrt_nml_find_component_type (NrtNmlDocSet *set, const char *type)
{
  g_return_val_if_fail (set != NULL, NULL);
  for (guint i = 0; type != NULL && i < set->files->len; i++)
    {
      NrtNmlFile *f = set->files->pdata[i];
      xmlNodePtr root = xmlDocGetRootElement (f->doc);
      for (xmlNodePtr n = root ? root->children : NULL; n; n = n->next)
        {
          xmlChar *name;
          gboolean match;
          if (n->type != XML_ELEMENT_NODE
              || strcmp ((const char *) n->name, "ComponentType") != 0)
            continue;
          name = xmlGetProp (n, (const xmlChar *) "name");
          match = name != NULL && strcmp ((const char *) name, type) == 0;
          xmlFree (name);
          if (match)
            return n;
        }
    }
  return NULL;
}

/* nrt-lems-types reports "line N: message" with the line in the element's own file; the set
 * adds the file's path. */
static int
fail (GError **error, NrtNmlDocSet *set, xmlNodePtr at, GError *cause)
{
  const char *msg = cause->message;

  if (g_str_has_prefix (msg, "line "))
    {
      const char *colon = strstr (msg, ": ");
      if (colon != NULL)
        {
          g_autofree char *line = g_strndup (msg + 5, colon - msg - 5);
          g_set_error (error, NRT_IO_ERROR, NRT_IO_ERROR_INVALID, "%s:%s: %s",
                       nrt_nml_doc_set_path_of (set, at), line, colon + 2);
          g_error_free (cause);
          return 0;
        }
    }
  nrt_nml_set_error (error, NRT_IO_ERROR_INVALID, set, at, "%s", msg);
  g_error_free (cause);
  return 0;
}

int
nrt_nml_import_lems_rate (NrtNmlDocSet *set, xmlNodePtr n, NrtRate *out, GError **error)
{
  g_autofree char *type_name = NULL;
  g_autoptr (NrtLemsRateType) type = NULL;
  g_autofree double *params = NULL;
  g_autofree char *xml = NULL;
  xmlNodePtr ct;
  GError *local = NULL;
  NrtRateFunc *func;
  guint n_params;

  g_return_val_if_fail (set != NULL && out != NULL, 0);
  if (n == NULL)
    return -1;
  type_name = nrt_nml_get (n, "type");
  ct = nrt_nml_find_component_type (set, type_name);
  if (ct == NULL)
    return -1;
  {
    g_autofree char *extends = nrt_nml_get (ct, "extends");
    if (!nrt_lems_is_rate_base (extends))
      {
        nrt_nml_set_error (error, NRT_IO_ERROR_UNSUPPORTED, set, n,
                           "<%s type=\"%s\">: the ComponentType extends \"%s\", not "
                           "baseVoltageDepRate, baseVoltageDepTime or baseVoltageDepVariable",
                           n->name, type_name, extends ? extends : "");
        return 0;
      }
  }
  /* Neurite's own expression rates (nrt-neuroml-writer.c) carry their text. */
  {
    g_autofree char *desc = nrt_nml_get (ct, "description");
    if (desc && g_str_has_prefix (desc, NRT_NML_EXPRESSION_DESCRIPTION))
      {
        func = nrt_rate_func_new_expression (desc + strlen (NRT_NML_EXPRESSION_DESCRIPTION),
                                             &local);
        if (func == NULL)
          return fail (error, set, ct, local);
        *out = (NrtRate) { NRT_RATE_EXPRESSION, 0, 0, 0, func };
        return 1;
      }
  }
  /* Parsed from the node itself for messages with the file's line numbers. */
  type = nrt_lems_rate_type_new (ct, &local);
  if (type == NULL)
    return fail (error, set, ct, local);
  n_params = nrt_lems_rate_type_get_n_params (type);
  params = g_new0 (double, n_params + 1);
  if (!nrt_lems_rate_type_read_params (type, n, params, &local))
    return fail (error, set, n, local);
  xml = nrt_nml_node_dump (ct);
  func = nrt_rate_func_new_lems (xml, params, n_params, &local);
  if (func == NULL)
    return fail (error, set, ct, local);
  *out = (NrtRate) { NRT_RATE_LEMS, 0, 0, 0, func };
  return 1;
}
