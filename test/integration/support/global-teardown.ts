import { stopSharedStore } from './shared-store';

export default stopSharedStore;
