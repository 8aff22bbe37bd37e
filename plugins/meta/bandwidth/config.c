/* Parse and validate the bandwidth plugin's keys (the reference's parseConfig and its rules). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "cni/conf_field.h"
#include "config.h"

static const char *const entry_keys[] = {"ingressRate", "ingressBurst", "egressRate",
					 "egressBurst"};

/* A Go uint64 field: a non-negative JSON integer. */
static int conf_uint64(const json_t *obj, const char *key, uint64_t *out, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	*out = 0;
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"failed to parse network configuration: %s must be an unsigned "
				"integer",
				key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* Go allocates the embedded BandwidthEntry as soon as one of its keys is present. */
static bool has_entry(const json_t *obj)
{
	for (size_t i = 0; i < sizeof(entry_keys) / sizeof(entry_keys[0]); i++)
		if (cni_conf_get(obj, entry_keys[i]))
			return true;
	return false;
}

static int parse_entry(const json_t *obj, struct bandwidth_config *c, struct cni_err *err)
{
	if (conf_uint64(obj, "ingressRate", &c->ingress.rate, err) < 0 ||
	    conf_uint64(obj, "ingressBurst", &c->ingress.burst, err) < 0 ||
	    conf_uint64(obj, "egressRate", &c->egress.rate, err) < 0 ||
	    conf_uint64(obj, "egressBurst", &c->egress.burst, err) < 0)
		return -1;
	return 0;
}

/* The reference's validateRateAndBurst. */
static int validate(const struct tc_rate *r, struct cni_err *err)
{
	if (r->burst == 0 && r->rate != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"if rate is set, burst must also be set");
	if (r->rate == 0 && r->burst != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"if burst is set, rate must also be set");
	if (r->burst / 8 >= UINT32_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "burst cannot be more than 4GB");
	return 0;
}

static int parse_mode(const json_t *conf, struct bandwidth_config *c, struct cni_err *err)
{
	const char *mode = NULL;

	if (cni_conf_string(conf, "shapingMode", &mode, err) < 0)
		return -1;
	if (!mode || !*mode || strcmp(mode, "tbf") == 0)
		c->mode = TC_MODE_TBF;
	else if (strcmp(mode, "edt") == 0)
		c->mode = TC_MODE_EDT;
	else
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"unknown shapingMode \"%s\": want \"tbf\" or \"edt\"", mode);
	return 0;
}

int bandwidth_config_parse(const struct cni_request *req, struct bandwidth_config *c,
			   struct cni_err *err)
{
	json_t *bw = NULL;

	memset(c, 0, sizeof(*c));
	c->name = req->name;
	if (parse_mode(req->config, c, err) < 0)
		return -1;
	if (req->runtime_config && cni_conf_object(req->runtime_config, "bandwidth", &bw, err) < 0)
		return -1;
	if (has_entry(req->config)) {
		if (parse_entry(req->config, c, err) < 0)
			return -1;
	} else if (bw && parse_entry(bw, c, err) < 0) {
		return -1;
	}
	if (validate(&c->ingress, err) < 0 || validate(&c->egress, err) < 0)
		return -1;
	c->has_ingress = c->ingress.rate && c->ingress.burst;
	c->has_egress = c->egress.rate && c->egress.burst;
	return 0;
}
