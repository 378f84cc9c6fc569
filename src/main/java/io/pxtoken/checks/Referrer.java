package io.pxtoken.checks;

/**
 * What makes Portworx read a Secret.
 *
 * @param object {@code storageclass/<name>} or {@code persistentvolume/<name>}
 * @param parameter the StorageClass parameter or PV annotation that names the Secret
 */
public record Referrer(String object, String parameter) {

    public static final String STORAGE_CLASS = "storageclass/";
    public static final String PERSISTENT_VOLUME = "persistentvolume/";

    /** The StorageClass's name when a StorageClass refers, else null. */
    public String storageClass() {
        return object.startsWith(STORAGE_CLASS) ? object.substring(STORAGE_CLASS.length()) : null;
    }

    @Override
    public String toString() {
        return object + " (" + parameter + ")";
    }
}
