/*
 * The SQLite backend's LTI calls (runtime/store_lti.h): the table that
 * names them. Each concept's calls live in its own file
 * (store_sqlite_lti_<concept>.c).
 */
#include "runtime/store_sqlite.h"
#include "runtime/store_sqlite_lti.h"

const pa_store_lti_ops pa_sqlite_lti_ops = {
	/* --- tool keys --- */
	.key_add_first = pa_sqlite_lti_key_add_first,
	.key_rotate = pa_sqlite_lti_key_rotate,
	.key_list = pa_sqlite_lti_key_list,
	/* --- platforms and deployments (1.3) --- */
	.platform_add = pa_sqlite_platform_add,
	.platform_get = pa_sqlite_platform_get,
	.platform_find = pa_sqlite_platform_find,
	.platform_list = pa_sqlite_platform_list,
	.platform_remove = pa_sqlite_platform_remove,
	.deployment_add = pa_sqlite_deployment_add,
	.deployment_check = pa_sqlite_deployment_check,
	/* --- consumers (1.1) --- */
	.consumer_add = pa_sqlite_consumer_add,
	.consumer_get = pa_sqlite_consumer_get,
	.consumer_by_id = pa_sqlite_consumer_by_id,
	.consumer_list = pa_sqlite_consumer_list,
	.consumer_remove = pa_sqlite_consumer_remove,
	/* --- single-use values --- */
	.nonce_put = pa_sqlite_nonce_put,
	.nonce_take = pa_sqlite_nonce_take,
	/* --- links, learners, grade targets --- */
	.link_upsert = pa_sqlite_lti_link_upsert,
	.link_get = pa_sqlite_lti_link_get,
	.grade_target_set = pa_sqlite_lti_grade_target_set,
	.link_attempts = pa_sqlite_lti_link_attempts,
	.link_attempts_query = pa_sqlite_lti_link_attempts_query,
	.launch_record = pa_sqlite_lti_launch_record,
	/* --- outbox --- */
	.outbox_due = pa_sqlite_lti_outbox_due,
	.outbox_next = pa_sqlite_lti_outbox_next,
	.outbox_record = pa_sqlite_lti_outbox_record,
	.outbox_list = pa_sqlite_lti_outbox_list,
	.outbox_retry = pa_sqlite_lti_outbox_retry,
	.outbox_purge = pa_sqlite_lti_outbox_purge,
};
