import { startSharedStore } from './shared-store';

export default startSharedStore;
