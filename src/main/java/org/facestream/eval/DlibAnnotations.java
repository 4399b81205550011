package org.facestream.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.facestream.events.BoundingBox;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads dlib imglab XML ({@code <image file='...'><box top= left= width= height= [ignore='1']/>}), the format
 * of dlib's face detection training and testing sets.
 */
public final class DlibAnnotations {
    private DlibAnnotations() {}

    /**
     * Every {@code image} element with its boxes; image paths are resolved against the XML file's folder.
     *
     * @throws EvaluationException when the file is unreadable, not XML, a box lacks a numeric attribute, or an
     *     image is missing
     */
    public static List<AnnotatedImage> read(Path xml) {
        Element root;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // annotation files come from elsewhere: no DTDs, no external entities
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            root = factory.newDocumentBuilder().parse(xml.toFile()).getDocumentElement();
        } catch (IOException | SAXException | ParserConfigurationException e) {
            throw new EvaluationException(xml + ": expected dlib imglab XML, found " + e.getMessage(), e);
        }
        Path dir = xml.toAbsolutePath().getParent();
        NodeList images = root.getElementsByTagName("image");
        List<AnnotatedImage> out = new ArrayList<>(images.getLength());
        for (int i = 0; i < images.getLength(); i++) {
            Element image = (Element) images.item(i);
            String file = image.getAttribute("file");
            Path path = dir.resolve(file);
            if (file.isEmpty() || !Files.isRegularFile(path)) {
                throw new EvaluationException(xml + ": image " + (i + 1) + ": expected file '" + file + "' to exist in "
                        + dir + ", found none");
            }
            List<BoundingBox> faces = new ArrayList<>();
            List<BoundingBox> ignored = new ArrayList<>();
            NodeList boxes = image.getElementsByTagName("box");
            for (int b = 0; b < boxes.getLength(); b++) {
                Element box = (Element) boxes.item(b);
                String where = xml.getFileName() + ": image " + file + ", box " + (b + 1);
                BoundingBox bb = new BoundingBox(
                        number(box, "left", where),
                        number(box, "top", where),
                        number(box, "width", where),
                        number(box, "height", where));
                ("1".equals(box.getAttribute("ignore")) ? ignored : faces).add(bb);
            }
            out.add(new AnnotatedImage(path, faces, ignored));
        }
        return out;
    }

    private static float number(Element box, String attribute, String where) {
        String v = box.getAttribute(attribute);
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new EvaluationException(
                    where + ": expected a number in attribute " + attribute + ", found '" + v + "'");
        }
    }
}
