export type { Assignment, GroupAssigner, GroupingMember, GroupingNotice, GroupingRequest, GroupingRole, PlannedGroup } from './types';
export { seededRandomAssigner } from './random';
export { diverseAssigner } from './diverse';
export { placeLateJoiner } from './late-joiner';
export { GroupingError } from './errors';
export { groupSizes } from './sizes';
