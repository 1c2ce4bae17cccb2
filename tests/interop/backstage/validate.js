// Reads a JSON array of Backstage entities on stdin; prints a JSON array of problems (empty: all valid), checking
// each entity as the catalog does: the entity policies, then the validator of its kind.
const m = require('@backstage/catalog-model');

const policy = m.EntityPolicies.allOf([
  new m.DefaultNamespaceEntityPolicy(), new m.NoForeignRootFieldsEntityPolicy(),
  new m.FieldFormatEntityPolicy(), new m.SchemaValidEntityPolicy(),
]);
const validators = {
  API: m.apiEntityV1alpha1Validator, Component: m.componentEntityV1alpha1Validator,
  Domain: m.domainEntityV1alpha1Validator, Group: m.groupEntityV1alpha1Validator,
  Resource: m.resourceEntityV1alpha1Validator, System: m.systemEntityV1alpha1Validator,
  User: m.userEntityV1alpha1Validator,
};

async function main() {
  const entities = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const problems = [];
  for (const entity of entities) {
    const name = `${entity.kind}:${entity.metadata && entity.metadata.name}`;
    try {
      await policy.enforce(entity);
      const validator = validators[entity.kind];
      if (!validator) throw new Error(`no built-in kind ${entity.kind}`);
      if (!(await validator.check(entity))) throw new Error('not recognised by its kind validator');
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
  }
  process.stdout.write(JSON.stringify(problems));
}
main().catch((error) => { console.error(error); process.exit(1); });
