/**
 * zod, as every module here imports it: zod's small build (`zod/mini`: functions instead of
 * methods, about a fifth of the classic build's code to load at every cold start; ADR 0022, "zod's
 * small build"), with the English messages that the classic build sets up by itself. Without them
 * every issue would say only "Invalid input", and the API's problem details name what is wrong.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
